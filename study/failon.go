package study

import "fmt"

// Hurting lists the variants whose group makes the score worse: a
// negative gain. When significance statistics are available they decide,
// so that noise is not mistaken for harm.
func Hurting(sum *AblationSummary) []string {
	var out []string
	for _, v := range sum.Variants {
		if v.Reference == "" || v.Gain == nil {
			continue
		}
		if hurts(v) {
			out = append(out, fmt.Sprintf("%s (gain %+.5f)", v.Variant, *v.Gain))
		}
	}
	return out
}

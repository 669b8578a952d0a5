package study

import "fmt"

// Hurting lists the variants whose group or technique makes the score worse: a
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

// PathHurting lists the steps of a path ablation that make the score
// worse, decided as in Hurting.
func PathHurting(sum *PathSummary) []string {
	var out []string
	for _, st := range sum.Steps {
		if st.Gain != nil && hurts(st.VariantSummary) {
			out = append(out, fmt.Sprintf("step %d %s (gain %+.5f)", st.Step, st.Variant, *st.Gain))
		}
	}
	return out
}

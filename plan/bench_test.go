package plan

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkExpand50Groups is variant expansion of a plan with 50 groups and
// 20 seeds (102 variants, 2040 runs).
func BenchmarkExpand50Groups(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("command: [train]\nseeds: [")
	for i := range 20 {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprint(&sb, i+1)
	}
	sb.WriteString("]\nbase_features: [b1, b2, b3]\nfeature_groups:\n")
	for g := range 50 {
		fmt.Fprintf(&sb, "  g%d: [g%d_a, g%d_b, g%d_c]\n", g, g, g, g)
	}
	p, err := Parse("bench.yaml", []byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if runs := p.Runs(); len(runs) != 102*20 {
			b.Fatal(len(runs))
		}
	}
}

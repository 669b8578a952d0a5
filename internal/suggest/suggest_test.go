package suggest

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"seed", "seeds", 1}, {"kitten", "sitting", 3}, {"sed", "seeds", 2},
		{"façade", "facade", 1}, {"run_012", "run_021", 2},
		{strings.Repeat("a", 100), "a", 100},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

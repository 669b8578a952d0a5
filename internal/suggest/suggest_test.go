package suggest

import (
	"math/rand/v2"
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

// The bit-parallel distance must be the table's, up to 64 characters.
func TestBitParallelIsTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, rng.IntN(65))
		alphabet := "ab_1"[:1+rng.IntN(4)]
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20_000 {
		a, b := word(), word()
		if got, want := Distance(a, b), table([]rune(a), []rune(b)); got != want {
			t.Fatalf("Distance(%q, %q) = %d, the table says %d", a, b, got, want)
		}
	}
	long := strings.Repeat("x", 64)
	if got := Distance(long, strings.Repeat("y", 64)); got != 64 {
		t.Errorf("64 substitutions: %d", got)
	}
}

// BenchmarkDistance is one comparison of a mistyped run name with a name
// of the tracker.
func BenchmarkDistance(b *testing.B) {
	for b.Loop() {
		Distance("lgb_tunedd_v99050", "sweep4127_minus_family_s123")
	}
}

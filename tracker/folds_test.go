package tracker

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// plainFolds must read what parseFoldsGeneral reads, to the bit, or give
// up: on every string of up to 5 characters over the characters that
// matter, on the lists kxrun writes, and on those with spaces, exponents
// and junk.
func TestPlainFoldsIsGeneral(t *testing.T) {
	plain := 0
	same := func(s string) {
		t.Helper()
		got, ok := plainFolds(s, new(arena))
		if !ok {
			return
		}
		plain++
		want, err := parseFoldsGeneral(s, new(arena))
		if err != nil {
			t.Fatalf("%q: plainFolds read %v, parseFoldsGeneral says %v", s, got, err)
		}
		bits := func(fs []float64) []uint64 {
			out := make([]uint64, len(fs))
			for i, f := range fs {
				out[i] = math.Float64bits(f)
			}
			return out
		}
		if diff := cmp.Diff(bits(want), bits(got), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q (-general +plain):\n%s", s, diff)
		}
	}
	eachString("[],05.-e ", 5, same)
	rng := rand.New(rand.NewPCG(11, 12))
	for range 5_000 {
		folds := make([]float64, rng.IntN(12))
		for i := range folds {
			folds[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
		}
		b, _ := json.Marshal(folds)
		same(string(b))
		// Hand-edited variants: spaces, a stray character, signs.
		for _, edit := range []string{" ", "x", "+", "-", ",", "]", "e"} {
			if len(b) > 2 {
				i := 1 + rng.IntN(len(b)-2)
				same(string(b[:i]) + edit + string(b[i:]))
			}
		}
	}
	for _, s := range []string{"[0.780908,0.77958,0.77551,0.783217,0.7835]", "[1]", "[-0]", "[+1.5]", "[1.]", "[.5]",
		"[1,2,]", "[,1]", "[1e-07,2]", "[9007199254740993]", "[0.1234567890123456789]", "[ ]", "[]", "[NaN]"} {
		same(s)
	}
	if plain < 5_000 {
		t.Errorf("only %d strings read the fast way", plain)
	}
}

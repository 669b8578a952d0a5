package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 255, 256, 1000, 10000} {
		x := make([]float64, n)
		for i := range x {
			switch i % 5 {
			case 0:
				x[i] = r.NormFloat64() * 1e10
			case 1:
				x[i] = float64(r.IntN(3)) // ties
			case 2:
				x[i] = math.Copysign(0, -1)
			case 3:
				x[i] = math.Inf(2*r.IntN(2) - 1)
			default:
				x[i] = r.Float64() * 1e-300
			}
		}
		want := slices.Clone(x)
		slices.Sort(want)
		radixSort(x)
		// -0 comes back as +0: they are equal, and AUC only compares.
		if diff := cmp.Diff(want, x, cmp.Comparer(func(a, b float64) bool { return a == b })); diff != "" {
			t.Errorf("n=%d: %s", n, diff)
		}
	}
}

func TestAUCOrdered(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 5000
	y, p := make([]float64, n), make([]float64, n)
	for i := range y {
		y[i] = float64(r.IntN(2))
		p[i] = math.Round((r.Float64()+y[i]*0.3)*100) / 100 // ties
	}
	want, err := AUC(y, p, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ordered []float64
	for _, c := range []float64{1, 0} {
		for i := range y {
			if y[i] == c {
				ordered = append(ordered, p[i])
			}
		}
	}
	nPos := 0
	for _, v := range y {
		nPos += int(v)
	}
	got, err := AUCOrdered(ordered, nPos)
	if err != nil || got != want {
		t.Errorf("AUCOrdered = %v, %v; AUC = %v", got, err, want)
	}
}

func TestScoreSum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 300
	y, s, add, buf := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		y[i] = float64(r.IntN(2))
		s[i], add[i] = r.Float64()*2, r.Float64()
	}
	for _, name := range Names() {
		if name == "multi_logloss" {
			continue
		}
		m := Lookup(name)
		blend := make([]float64, n)
		for i := range blend {
			blend[i] = (s[i] + add[i]) / 3
		}
		want, werr := m.Eval(y, blend, 1)
		got, gerr := m.ScoreSum(y, s, add, 3, 1, buf)
		if got != want || (werr == nil) != (gerr == nil) {
			t.Errorf("%s: ScoreSum %v (%v), Eval %v (%v)", name, got, gerr, want, werr)
		}
	}
}

package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pearsonMaterialised is Pearson as first written: the three arrays of
// deviations and products summed by Sum. Pearson must match it bit for bit.
func pearsonMaterialised(x, y []float64) float64 {
	n := len(x)
	if n < 2 || len(y) != n {
		return math.NaN()
	}
	mx, my := Mean(x), Mean(y)
	dx, dy, dxy := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		a, b := x[i]-mx, y[i]-my
		dx[i], dy[i], dxy[i] = a*a, b*b, a*b
	}
	sx, sy := Sum(dx), Sum(dy)
	if sx == 0 || sy == 0 {
		return math.NaN()
	}
	return math.Max(-1, math.Min(1, Sum(dxy)/math.Sqrt(sx*sy)))
}

// TestPearsonBitIdentical covers lengths around every branch of the
// pairwise split (below 8, up to 128, odd halves) and a large one.
func TestPearsonBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 3, 7, 8, 9, 127, 128, 129, 130, 255, 256, 257, 1000, 1031, 4097, 100_003, 1_000_000} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = rng.Float64()*1e3 - 500
			y[i] = 0.3*x[i] + rng.NormFloat64()*100
		}
		got, want := Pearson(x, y), pearsonMaterialised(x, y)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n=%d: Pearson %v (%x), materialised %v (%x)", n, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
}

// sumIndexed is Sum as first written, with an indexed array of
// accumulators. Sum must match it bit for bit.
func sumIndexed(xs []float64) float64 {
	n := len(xs)
	switch {
	case n < 8:
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	case n <= 128:
		var r [8]float64
		copy(r[:], xs[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += xs[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += xs[i]
		}
		return s
	}
	half := n / 2
	half -= half % 8
	return sumIndexed(xs[:half]) + sumIndexed(xs[half:])
}

func TestSumBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, 300_001)
	for i := range xs {
		// Mixed magnitudes, so that the order of additions shows.
		xs[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
	}
	for n := range 300 {
		if got, want := Sum(xs[:n]), sumIndexed(xs[:n]); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("n=%d: Sum %v, indexed %v", n, got, want)
		}
	}
	if got, want := Sum(xs), sumIndexed(xs); math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("n=%d: Sum %v, indexed %v", len(xs), got, want)
	}
}

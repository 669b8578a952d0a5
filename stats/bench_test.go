package stats

import (
	"math"
	"testing"
)

// BenchmarkPearson10M is the OOF correlation of compare on two 10M-value
// arrays (80 MB each); the throughput is over both arrays' bytes.
func BenchmarkPearson10M(b *testing.B) {
	const n = 10_000_000
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = math.Sin(float64(i))
		y[i] = x[i] + 0.1*math.Cos(float64(i)*1.3)
	}
	b.SetBytes(16 * n)
	b.ReportAllocs()
	for b.Loop() {
		if r := Pearson(x, y); math.IsNaN(r) {
			b.Fatal("NaN")
		}
	}
}

// BenchmarkSum compares Sum with Sum as first written (accumulators in an
// indexed array) on an OOF array, where memory bounds both, and on values
// in cache, as Pearson's leaves are.
func BenchmarkSum(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		sum  func([]float64) float64
	}{{"10M", 10_000_000, Sum}, {"10M_indexed", 10_000_000, sumIndexed}, {"1000", 1000, Sum}, {"1000_indexed", 1000, sumIndexed}} {
		xs := make([]float64, c.n)
		for i := range xs {
			xs[i] = math.Sin(float64(i))
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(8 * int64(len(xs)))
			for b.Loop() {
				c.sum(xs)
			}
		})
	}
}

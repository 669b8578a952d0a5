package metrics

import (
	"math/rand/v2"
	"testing"
)

func benchData(n int) []float64 {
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64()
	}
	return x
}

func BenchmarkAUCBlend(b *testing.B) {
	n := 1_000_000
	s, add := benchData(n), benchData(n)
	var pos, neg []int32
	for i := range n {
		if i%3 == 0 {
			pos = append(pos, int32(i))
		} else {
			neg = append(neg, int32(i))
		}
	}
	var sc AUCScratch
	for b.Loop() {
		if _, err := AUCBlend(s, add, 2, pos, neg, &sc); err != nil {
			b.Fatal(err)
		}
	}
}

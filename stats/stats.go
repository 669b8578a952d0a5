package stats

import "math"

// Sum adds xs in the order numpy's pairwise summation does for a
// contiguous float64 array: plain accumulation below 8 values, eight
// interleaved accumulators up to 128, and recursive halving above.
func Sum(xs []float64) float64 {
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
	return Sum(xs[:half]) + Sum(xs[half:])
}

// Mean is numpy.mean: NaN for no values.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return Sum(xs) / float64(len(xs))
}

// Std is numpy.std(xs, ddof=ddof): ddof 0 for the population standard
// deviation, 1 for the sample one. NaN when len(xs) <= ddof.
func Std(xs []float64, ddof int) float64 {
	n := len(xs)
	if n <= ddof {
		return math.NaN()
	}
	m := Mean(xs)
	sq := make([]float64, n)
	for i, x := range xs {
		d := x - m
		sq[i] = d * d
	}
	return math.Sqrt(Sum(sq) / float64(n-ddof))
}

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
		// Eight named accumulators rather than an array: the compiler keeps
		// them in registers, where an indexed array went through memory on
		// every add (3x slower on values in cache, BenchmarkSum). The order
		// of the additions is unchanged.
		r0, r1, r2, r3, r4, r5, r6, r7 := xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], xs[7]
		i := 8
		for ; i < n-n%8; i += 8 {
			b := xs[i : i+8 : i+8]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
			r4 += b[4]
			r5 += b[5]
			r6 += b[6]
			r7 += b[7]
		}
		s := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
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

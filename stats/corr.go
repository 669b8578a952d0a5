package stats

import (
	"math"
	"sort"
)

// Pearson is the Pearson correlation of x and y (equal lengths); NaN when
// either has no variance or there are fewer than 2 pairs.
func Pearson(x, y []float64) float64 {
	n := len(x)
	if n < 2 || len(y) != n {
		return math.NaN()
	}
	mx, my := Mean(x), Mean(y)
	var leaf [3][128]float64
	sx, sy, sxy := pairwiseProducts(x, y[:n], mx, my, &leaf)
	if sx == 0 || sy == 0 {
		return math.NaN()
	}
	r := sxy / math.Sqrt(sx*sy)
	return math.Max(-1, math.Min(1, r))
}

// pairwiseProducts returns Sum of (x-mx)², of (y-my)² and of
// (x-mx)(y-my), bit for bit, without materialising those three arrays
// (three times the inputs' memory for an OOF array): it splits exactly as
// Sum does and only fills one leaf of at most 128 values at a time, in
// scratch arrays that stay in cache and are reused (not zeroed) by every
// leaf.
func pairwiseProducts(x, y []float64, mx, my float64, leaf *[3][128]float64) (sx, sy, sxy float64) {
	n := len(x)
	if n > 128 {
		half := n / 2
		half -= half % 8
		ax, ay, axy := pairwiseProducts(x[:half], y[:half], mx, my, leaf)
		bx, by, bxy := pairwiseProducts(x[half:], y[half:], mx, my, leaf)
		return ax + bx, ay + by, axy + bxy
	}
	dx, dy, dxy := leaf[0][:n], leaf[1][:n], leaf[2][:n]
	y = y[:n]
	for i := range x {
		a, b := x[i]-mx, y[i]-my
		dx[i], dy[i], dxy[i] = a*a, b*b, a*b
	}
	return Sum(dx), Sum(dy), Sum(dxy)
}

// Spearman is the Spearman rank correlation: the Pearson correlation of
// the ranks, ties given their average rank.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		return math.NaN()
	}
	return Pearson(Ranks(x), Ranks(y))
}

// Ranks are 1-based ranks with ties averaged.
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	ranks := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			ranks[idx[k]] = avg
		}
		i = j + 1
	}
	return ranks
}

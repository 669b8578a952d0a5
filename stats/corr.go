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
	dx := make([]float64, n)
	dy := make([]float64, n)
	dxy := make([]float64, n)
	for i := range x {
		a, b := x[i]-mx, y[i]-my
		dx[i], dy[i], dxy[i] = a*a, b*b, a*b
	}
	sx, sy := Sum(dx), Sum(dy)
	if sx == 0 || sy == 0 {
		return math.NaN()
	}
	r := Sum(dxy) / math.Sqrt(sx*sy)
	return math.Max(-1, math.Min(1, r))
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

package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// foldStream separates the fold shuffle's random stream from any other use
// of the run seed.
const foldStream = 0x666f_6c64_7300_0000

// stratifiedFolds assigns each row a fold in [0,k). Rows of each class are
// shuffled with the run seed and dealt round-robin, with the dealing carried
// on from one class to the next, so fold sizes and per-fold class counts
// each differ by at most one.
func stratifiedFolds(y []float64, k int, seed int64) ([]int, error) {
	if k < 2 {
		return nil, fmt.Errorf("folds must be >= 2, got %d", k)
	}
	byClass := map[float64][]int{}
	for i, v := range y {
		byClass[v] = append(byClass[v], i)
	}
	classes := make([]float64, 0, len(byClass))
	for c, idx := range byClass {
		// Every fold needs every class, or its AUC is undefined.
		if len(idx) < k {
			return nil, fmt.Errorf("class %v has %d rows, fewer than %d folds", c, len(idx), k)
		}
		classes = append(classes, c)
	}
	slices.Sort(classes) // map order is random; the split must not be

	rng := rand.New(rand.NewPCG(uint64(seed), foldStream))
	fold := make([]int, len(y))
	next := 0
	for _, c := range classes {
		idx := byClass[c]
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for _, i := range idx {
			fold[i] = next % k
			next++
		}
	}
	return fold, nil
}

// rocAUC is the area under the ROC curve of scores for 0/1 labels, computed
// as the Mann–Whitney U statistic: tied scores get the average of the ranks
// they span, so each positive–negative tie counts one half.
func rocAUC(scores, labels []float64) (float64, error) {
	n := len(scores)
	if n != len(labels) {
		return 0, fmt.Errorf("auc: %d scores but %d labels", n, len(labels))
	}
	var nPos float64
	for i, l := range labels {
		switch l {
		case 1:
			nPos++
		case 0:
		default:
			return 0, fmt.Errorf("auc: labels must be 0 or 1, got %v", l)
		}
		if math.IsNaN(scores[i]) {
			return 0, errors.New("auc: NaN score")
		}
	}
	nNeg := float64(n) - nPos
	if nPos == 0 || nNeg == 0 {
		return 0, errors.New("auc: needs both classes")
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] < scores[order[b]] })

	var rankSumPos float64
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && scores[order[hi]] == scores[order[lo]] {
			hi++
		}
		// Rows order[lo:hi] share ranks lo+1..hi; each gets their mean.
		avgRank := float64(lo+1+hi) / 2
		for _, i := range order[lo:hi] {
			if labels[i] == 1 {
				rankSumPos += avgRank
			}
		}
		lo = hi
	}
	return (rankSumPos - nPos*(nPos+1)/2) / (nPos * nNeg), nil
}

package metrics

import (
	"errors"
	"math"
	"slices"
)

var errNaN = errors.New("auc: NaN prediction")

// AUCScratch holds the buffers of AUCBlend, reused call after call (one
// per goroutine).
type AUCScratch struct {
	vals, out             []float64
	posStart, negStart, c []int
}

// AUCBlend is the AUC of the blend (s[i] + add[i]) / k, the rows split by
// label into pos and neg (row indices), computed without a full sort: the
// blended values go into buckets by value (a monotone function of the
// value, so equal values share a bucket and every negative in a lower
// bucket is below every positive in a higher one), and only each bucket's
// few values are sorted and merged. It is exact whatever the values;
// spread-out scores, such as probabilities, make the buckets small. It
// equals AUC of the blend computed the plain way.
func AUCBlend(s, add []float64, k float64, pos, neg []int32, sc *AUCScratch) (float64, error) {
	if len(pos) == 0 || len(neg) == 0 {
		return 0, errSingleClass
	}
	nPos, n := len(pos), len(pos)+len(neg)
	if cap(sc.vals) < n {
		sc.vals, sc.out = make([]float64, n), make([]float64, n)
	}
	vals, out := sc.vals[:n], sc.out[:n]
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, r := range pos {
		v := (s[r] + add[r]) / k
		vals[i] = v
		lo, hi = min(lo, v), max(hi, v)
	}
	for i, r := range neg {
		v := (s[r] + add[r]) / k
		vals[nPos+i] = v
		lo, hi = min(lo, v), max(hi, v)
	}
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return 0, errNaN
	}
	lo += 0 // -0 and +0 are equal: the bucket of either is 0
	// About 8 values per bucket; a range too narrow or too wide for the
	// scale to be finite puts everything in one bucket (still exact).
	nb := max(1, n/8)
	scale := float64(nb) / (hi - lo)
	if math.IsInf(scale, 0) || math.IsNaN(scale) || math.IsInf(hi-lo, 0) {
		nb, scale = 1, 0
	}
	if cap(sc.c) < nb+1 {
		sc.posStart, sc.negStart, sc.c = make([]int, nb+1), make([]int, nb+1), make([]int, nb+1)
	}
	posStart, negStart, cur := sc.posStart[:nb+1], sc.negStart[:nb+1], sc.c[:nb+1]
	clear(posStart)
	clear(negStart)
	bucket := func(v float64) int { return min(int((v-lo)*scale), nb-1) }
	for _, v := range vals[:nPos] {
		posStart[bucket(v)+1]++
	}
	for _, v := range vals[nPos:] {
		negStart[bucket(v)+1]++
	}
	for b := 1; b <= nb; b++ {
		posStart[b] += posStart[b-1]
		negStart[b] += negStart[b-1]
	}
	// Positives go to out[0:nPos], negatives to out[nPos:], bucket by bucket.
	copy(cur, posStart)
	for _, v := range vals[:nPos] {
		b := bucket(v)
		out[cur[b]] = v
		cur[b]++
	}
	copy(cur, negStart)
	for _, v := range vals[nPos:] {
		b := bucket(v)
		out[nPos+cur[b]] = v
		cur[b]++
	}
	var below, ties int64
	negs := out[nPos:]
	for b := range nb {
		p := out[posStart[b]:posStart[b+1]]
		if len(p) == 0 {
			continue
		}
		q := negs[negStart[b]:negStart[b+1]]
		smallSort(p)
		smallSort(q)
		// Negatives of lower buckets are below every positive here.
		before := int64(negStart[b])
		j := 0
		for i := 0; i < len(p); {
			v := p[i]
			e := i
			for e < len(p) && p[e] == v {
				e++
			}
			for j < len(q) && q[j] < v {
				j++
			}
			t := j
			for t < len(q) && q[t] == v {
				t++
			}
			cnt := int64(e - i)
			below += cnt * (before + int64(j))
			ties += cnt * int64(t-j)
			i = e
		}
	}
	return (float64(below) + float64(ties)/2) / (float64(nPos) * float64(len(neg))), nil
}

// smallSort sorts a bucket: insertion sort for the few values buckets
// usually hold.
func smallSort(x []float64) {
	if len(x) > 24 {
		slices.Sort(x)
		return
	}
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// Package suggest finds the names closest to a mistyped one, for
// did-you-mean hints.
package suggest

// maxLen bounds the quadratic distance computation: long strings are
// never typos of a short name.
const maxLen = 64

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
	if ascii(a) && ascii(b) && len(a) <= maxLen && len(b) <= maxLen {
		if len(a) > len(b) {
			a, b = b, a
		}
		return bitParallel(a, b)
	}
	return table([]rune(a), []rune(b))
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// table is the textbook dynamic programme, for any runes.
func table(ra, rb []rune) int {
	if len(ra) > maxLen || len(rb) > maxLen {
		return max(len(ra), len(rb))
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// bitParallel is the distance between ASCII strings, len(p) <= len(t) <=
// 64, by Myers' bit-vector algorithm as Hyyrö adapted it to the whole
// strings: a column of the table is kept as the bits of its vertical
// deltas (+1 in pv, -1 in mv), and a character of t advances all of it in
// a few word operations, instead of len(p) cells. A run reference is
// compared with every name of a tracker (200,000 of them for 100,000
// runs) when it matches none.
func bitParallel(p, t string) int {
	m := len(p)
	if m == 0 {
		return len(t)
	}
	var peq [128]uint64 // the positions of each character in p
	for i := 0; i < m; i++ {
		peq[p[i]] |= 1 << i
	}
	last := uint64(1) << (m - 1)
	pv, mv := ^uint64(0)>>(64-m), uint64(0)
	score := m
	for i := 0; i < len(t); i++ {
		eq := peq[t[i]]
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		switch {
		case ph&last != 0:
			score++
		case mh&last != 0:
			score--
		}
		// The top row of the table counts up (0, 1, 2, ...): its
		// horizontal delta, shifted in at the bottom, is +1.
		ph = ph<<1 | 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
	}
	return score
}

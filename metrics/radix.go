package metrics

import "math"

// radixSort sorts NaN-free float64s ascending: an LSD radix sort on their
// bits mapped to order-preserving unsigned keys, 11 bits per pass.
func radixSort(x []float64) {
	n := len(x)
	if n < 256 {
		insertionSort(x)
		return
	}
	keys := make([]uint64, n)
	tmp := make([]uint64, n)
	for i, v := range x {
		keys[i] = sortKey(v + 0) // + 0 turns -0 into +0: they are equal
	}
	const bits, buckets = 11, 1 << 11
	var count [buckets]int
	for shift := uint(0); shift < 64; shift += bits {
		// A pass where every key has the same digit moves nothing.
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&(buckets-1)]++
		}
		if count[(keys[0]>>shift)&(buckets-1)] == n {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range keys {
			d := (k >> shift) & (buckets - 1)
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		x[i] = fromKey(k)
	}
}

// sortKey maps a float64 to a uint64 with the same order: negative
// numbers have all their bits flipped, positive ones only the sign bit.
func sortKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

func fromKey(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

func insertionSort(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

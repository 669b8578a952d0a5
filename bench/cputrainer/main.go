// Command cputrainer is the CPU-bound trainer of bench/concurrency.sh. It
// does a fixed amount of work, not work for a fixed time, so that a run
// slowed by sharing its core with another takes longer, as a real trainer
// would; then it prints a kxrun result.
//
//	cputrainer -work N         N steps of a dependent integer chain
//	cputrainer -calibrate 1s   prints the N that takes about 1s here
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	work := flag.Uint64("work", 0, "steps of work")
	calibrate := flag.Duration("calibrate", 0, "print the steps that take about this long, and exit")
	flag.Parse()
	if *calibrate > 0 {
		fmt.Println(steps(*calibrate))
		return
	}
	if *work == 0 {
		fmt.Fprintln(os.Stderr, "cputrainer: -work N or -calibrate D")
		os.Exit(2)
	}
	x := spin(*work)
	// The checksum uses the result, so the work cannot be optimised away.
	fmt.Printf(`{"cv_scores": [0.8], "metrics": {"checksum": %d}}`+"\n", x%1000)
}

// spin is a xorshift chain: each step depends on the last, so it runs at
// one core's speed whatever the compiler or CPU does, and touches no
// memory.
func spin(n uint64) uint64 {
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// steps measures the rate on a short chain, keeping the fastest of a few
// tries (the others were slowed by the machine's other work), and scales
// it to d.
func steps(d time.Duration) uint64 {
	const probe = 20_000_000
	best := time.Duration(1 << 62)
	sink := uint64(0)
	for range 5 {
		start := time.Now()
		sink += spin(probe)
		best = min(best, time.Since(start))
	}
	if sink == 1 {
		fmt.Fprintln(os.Stderr) // keeps sink live
	}
	return uint64(float64(probe) * float64(d) / float64(best))
}

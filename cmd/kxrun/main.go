// Command kxrun runs and tracks Kaggle-style experiments: feature-group
// ablations over seeds, every run logged to an on-disk tracker.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

func main() {
	stop := profile()
	code := Main(os.Args[1:])
	stop()
	os.Exit(code)
}

// profile writes a CPU profile to $KXRUN_CPUPROFILE and a heap profile
// (allocations) to $KXRUN_MEMPROFILE, when set, to measure kxrun as users
// run it (docs/performance.md).
func profile() (stop func()) {
	cpu, mem := os.Getenv("KXRUN_CPUPROFILE"), os.Getenv("KXRUN_MEMPROFILE")
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "kxrun: KXRUN_CPUPROFILE:", err)
			f = nil
		}
	}
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem != "" {
			runtime.GC()
			if g, err := os.Create(mem); err == nil {
				pprof.Lookup("allocs").WriteTo(g, 0)
				g.Close()
			}
		}
	}
}

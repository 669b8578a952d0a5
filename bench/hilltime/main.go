// Command hilltime times kxrun's hill climbing for bench/ensemble.sh, in
// process as the numpy peer (bench/hill_numpy.py) is timed inside Python:
//
//	hilltime Y.npy CANDIDATES.npy METRIC MAX_MEMBERS
//
// CANDIDATES.npy is a 2-D array, one candidate's OOF predictions per row.
// It prints one JSON object: the seconds of the climb (reading excluded),
// the members picked in order, the number kept and the peak resident
// memory of the process.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/kxrun/kxrun/ensemble"
	"github.com/kxrun/kxrun/metrics"
	"github.com/kxrun/kxrun/npyfile"
)

func main() {
	if len(os.Args) != 5 {
		fail("usage: hilltime Y.npy CANDIDATES.npy METRIC MAX_MEMBERS")
	}
	y, _, err := npyfile.ReadFloat64(os.Args[1], 0)
	if err != nil {
		fail(err.Error())
	}
	all, info, err := npyfile.ReadFloat64(os.Args[2], 0)
	if err != nil {
		fail(err.Error())
	}
	if len(info.Shape) != 2 || info.Shape[1] != len(y) {
		fail(fmt.Sprintf("candidates of shape %v for %d labels", info.Shape, len(y)))
	}
	m, err := metrics.Get(os.Args[3])
	if err != nil {
		fail(err.Error())
	}
	maxMembers, err := strconv.Atoi(os.Args[4])
	if err != nil {
		fail(err.Error())
	}
	n := len(y)
	oofs := make([][]float64, info.Shape[0])
	for i := range oofs {
		oofs[i] = all[i*n : (i+1)*n : (i+1)*n]
	}
	start := time.Now()
	sel, err := ensemble.HillClimb(y, oofs, 1, ensemble.Options{Metric: m, MaxMembers: maxMembers})
	if err != nil {
		fail(err.Error())
	}
	secs := time.Since(start).Seconds()
	path := make([]int, len(sel.Path))
	for i, st := range sel.Path {
		path[i] = st.Member
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"seconds": secs, "path": path, "kept": sel.Kept, "max_rss_mb": float64(ru.Maxrss) / 1024,
	})
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "hilltime:", msg)
	os.Exit(2)
}

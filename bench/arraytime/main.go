// Command arraytime times kxrun's in-process array work for
// bench/arrays.sh, without process start-up, as numpy.load is timed inside
// Python:
//
//	arraytime inspect FILE REPEAT     npyfile.Inspect, what a run's arrays get before they are committed
//	arraytime compare A B REPEAT      report.Compare of two runs whose OOF arrays are A and B
//
// It prints the seconds of each repetition on one line, space separated;
// compare also prints the correlation on stderr.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

func main() {
	if len(os.Args) < 4 {
		fail("usage: arraytime inspect FILE REPEAT | arraytime compare A B REPEAT")
	}
	repeat, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if err != nil || repeat < 1 {
		fail("REPEAT must be a positive integer")
	}
	var op func() error
	switch os.Args[1] {
	case "inspect":
		path := os.Args[2]
		op = func() error {
			_, err := npyfile.Inspect(path)
			return err
		}
	case "compare":
		if len(os.Args) != 5 {
			fail("usage: arraytime compare A B REPEAT")
		}
		op = compareOp(os.Args[2], os.Args[3])
	default:
		fail("unknown mode " + os.Args[1])
	}
	times := make([]string, repeat)
	for i := range times {
		start := time.Now()
		if err := op(); err != nil {
			fail(err.Error())
		}
		times[i] = strconv.FormatFloat(time.Since(start).Seconds(), 'f', 6, 64)
	}
	fmt.Println(strings.Join(times, " "))
	if corr != "" {
		fmt.Fprintln(os.Stderr, corr)
	}
}

// corr is the last correlation compare found, printed once at the end.
var corr string

// compareOp builds the two records kxrun compare loads from the tracker,
// with only what the comparison reads of them, so that all of its time is
// the arrays': reading both, then the Pearson correlation.
func compareOp(a, b string) func() error {
	run := func(id, path string) (tracker.Row, *tracker.Record) {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs // a recorded path the tracker resolves to itself
		}
		info, err := npyfile.Inspect(path) // the shape the record holds
		if err != nil {
			fail(err.Error())
		}
		row := tracker.Row{RunID: id, Direction: "maximize", Metric: "auc"}
		rec := &tracker.Record{RunID: id, Direction: "maximize",
			Artifacts: map[string]*tracker.Artifact{"oof": {Path: path, Shape: info.Shape}}}
		return row, rec
	}
	ra, reca := run("run_001", a)
	rb, recb := run("run_002", b)
	return func() error {
		// Absolute, the paths need no tracker directory.
		c, err := report.Compare(ra, rb, reca, recb, &tracker.Tracker{})
		if err != nil {
			return err
		}
		if c.OOFCorrelation == nil {
			return fmt.Errorf("no correlation: %s", c.OOFNote)
		}
		corr = fmt.Sprintf("r=%.12f", *c.OOFCorrelation)
		return nil
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "arraytime:", msg)
	os.Exit(2)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

type reportOptions struct {
	*globals
	Top  int
	Sort string
	All  bool
	JSON bool
	runFilter
}

func newReportCmd(g *globals) *cobra.Command {
	opts := &reportOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Show the table of runs, the best CV and LB runs, and how LB follows CV",
		Long: `Lists the runs of the tracker (failed and archived ones only with --all),
names the best CV and best LB runs, and with at least 3 leaderboard scores
gives the Pearson and Spearman correlation between CV and LB. Also writes
reports/<date>_summary.md.`,
		Example: "  kxrun report\n  kxrun report --sort cv --top 10\n  kxrun report --json | jq .cv_lb_correlation",
		Args:    exactArgs(0, "kxrun report"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Top, "top", 0, "show only the first N runs (after sorting)")
	f.StringVar(&opts.Sort, "sort", "id", "order by id, cv or lb (best first)")
	f.BoolVar(&opts.All, "all", false, "include failed, cancelled and archived runs")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object on stdout")
	opts.runFilter.bind(f)
	return cmd
}

func runReport(ctx context.Context, opts *reportOptions) error {
	if opts.Top < 0 {
		return usagef("--top 10", "--top must not be negative")
	}
	if err := opts.runFilter.validate(); err != nil {
		return err
	}
	gc := holdGC()
	defer gc.release()
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	gc.limit()
	baseline, err := tr.BaselineID()
	if err != nil {
		return err
	}
	// The two summaries, a pass over every row each, are made at once.
	var sum *report.RunsSummary
	var sumErr error
	summarized := make(chan struct{})
	go func() {
		defer close(summarized)
		// The list of runs as JSON objects is only needed for --json.
		// A status asked for is shown, even failed or cancelled.
		showAll := opts.All || opts.Status != "" && opts.Status != "ok"
		sum, sumErr = report.SummarizeRuns(filterRows(rows, opts.runFilter), baseline, report.RunsOptions{Top: opts.Top, Sort: opts.Sort, All: showAll, NoList: !opts.JSON})
	}()
	// The markdown recap covers every run, whatever the table shows.
	all, err := report.SummarizeRuns(rows, baseline, report.RunsOptions{All: true, NoList: true})
	<-summarized
	if sumErr != nil {
		return usagef("kxrun report --sort id", "%v", sumErr)
	}
	if err != nil {
		return err
	}
	now := time.Now()
	base := now.Format("2006-01-02") + "_summary"
	// The figures take longest: they are drawn while the tables are
	// written, on another core when there is one.
	type drawn struct {
		md    string
		files []string
		err   error
	}
	figures := make(chan drawn, 1)
	go func() {
		var d drawn
		d.md, d.files, d.err = report.RunsFigures(all, rows, tr.ReportsDir(), base)
		figures <- d
	}()
	md := report.RunsMarkdown(all, now, "")
	var table []byte
	if !opts.JSON {
		// A line is about 100 bytes. Not bytes.Buffer.Grow: it would
		// clear, and so fault in, all of it at once; untouched capacity
		// costs nothing.
		b := bytes.NewBuffer(make([]byte, 0, 128*(len(rows)+1)))
		report.RunsTable(b, sum, styleFor(opts.stdout))
		table = b.Bytes()
	}
	fig := <-figures
	// The files are a copy of what is printed: a tracker that cannot be
	// written (read-only, another user's, a full disk) is still reported.
	err = fig.err
	if err == nil {
		var path string
		if path, err = tr.WriteReport(base+".md", append(md, fig.md...)); err == nil {
			sum.Saved = append(sum.Saved, path)
			sum.Saved = append(sum.Saved, fig.files...)
		}
	}
	if err != nil {
		fmt.Fprintf(opts.stderr, "warning: the report files were not written (%v); the table is complete\n", err)
	}
	if opts.JSON {
		return report.WriteRunsJSON(opts.stdout, sum) // writeJSON's bytes, faster
	}
	if _, err := opts.stdout.Write(table); err != nil {
		return err
	}
	printSaved(opts.stdout, sum.Saved...)
	return nil
}

// openRuns opens an existing tracker and reads its runs, printing warnings
// (a torn last row) to stderr.
func openRuns(dir string, stderr io.Writer) (*tracker.Tracker, []tracker.Row, error) {
	tr, err := openExisting(dir, stderr)
	if err != nil {
		return nil, nil, err
	}
	rows, warnings, err := tr.Runs()
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err != nil {
		return nil, nil, err
	}
	return tr, rows, nil
}

// openExisting opens a tracker that must already exist: a typo in --dir
// should not silently create an empty tracker.
func openExisting(dir string, stderr io.Writer) (*tracker.Tracker, error) {
	if ok, err := tracker.Check(dir); err != nil {
		return nil, err
	} else if !ok {
		return nil, usagef("kxrun init, or pass --dir with the tracker directory (KXRUN_DIR)", "no tracker in %s", dir)
	}
	return openTracker(dir, stderr)
}

// openTracker opens (or creates) the tracker in dir; what it repairs or
// cannot read is told on stderr.
func openTracker(dir string, stderr io.Writer) (*tracker.Tracker, error) {
	return tracker.OpenWarn(dir, func(msg string) { fmt.Fprintln(stderr, "warning:", msg) })
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// loggedPaths are where a sweep that made fresh runs logged them; none
// when every run was reused (nothing changed there).
func loggedPaths(tr *tracker.Tracker, fresh int) []string {
	if fresh == 0 {
		return nil
	}
	return tr.SweepPaths()
}

// printSaved lists the files a command wrote, so users know where to look.
func printSaved(w io.Writer, paths ...string) {
	if len(paths) == 0 {
		return
	}
	fmt.Fprint(w, "saved:")
	for i, p := range paths {
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		shown := displayPath(p)
		if strings.HasSuffix(p, string(filepath.Separator)) {
			shown += string(filepath.Separator) // a directory stays marked as one
		}
		fmt.Fprint(w, " ", shown)
	}
	fmt.Fprintln(w)
}

// A report keeps what it reads to the end (the file, the rows, the
// tables it writes): the collector, at its default pace a cycle each time
// the heap doubles, would scan 100,000 rows two or three times to find
// little garbage, with its write barriers and stack scans on both cores.
// So it stays off while a report runs, unless the user chose a pace
// (GOGC, GOMEMLIMIT); once the runs are read, a ceiling is set where it
// starts again.
type gcHold struct {
	held     bool
	percent  int
	memLimit int64
}

// holdGC turns the collector off.
func holdGC() gcHold {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return gcHold{}
	}
	return gcHold{held: true, percent: debug.SetGCPercent(-1), memLimit: debug.SetMemoryLimit(-1)}
}

// limit lets the collector run again past three times the heap held
// now, and 64 MB. Once the runs are read, the rest of a report allocates
// about 1.3 times as much again (132 MB in all for 100,000 runs, 59 MB of
// them held after reading), so the ceiling is not reached, and it bounds
// the heap of a report that would need more.
func (g gcHold) limit() {
	if !g.held {
		return
	}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		debug.SetMemoryLimit(int64(3*s[0].Value.Uint64()) + 64<<20)
	}
}

// release turns the collector back on as it was.
func (g gcHold) release() {
	if g.held {
		debug.SetMemoryLimit(g.memLimit)
		debug.SetGCPercent(g.percent)
	}
}

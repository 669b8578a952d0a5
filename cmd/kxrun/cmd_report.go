package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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
	// A status asked for is shown, even failed or cancelled.
	showAll := opts.All || opts.Status != "" && opts.Status != "ok"
	sum, err := report.Summarize(report.SummaryOptions{
		Load:  func() (*tracker.Tracker, []tracker.Row, error) { return openRuns(opts.Dir, opts.stderr) },
		Shown: func(rows []tracker.Row) []tracker.Row { return filterRows(rows, opts.runFilter) },
		// The list of runs as JSON objects is only needed for --json.
		Runs:  report.RunsOptions{Top: opts.Top, Sort: opts.Sort, All: showAll, NoList: !opts.JSON},
		JSON:  opts.JSON,
		Style: styleFor(opts.stdout),
		Now:   time.Now(),
	})
	var optErr *report.RunsOptionError
	if errors.As(err, &optErr) {
		return usagef("kxrun report --sort id", "%v", optErr.Err)
	}
	if err != nil {
		return err
	}
	if sum.FilesErr != nil {
		fmt.Fprintf(opts.stderr, "warning: the report files were not written (%v); the table is complete\n", sum.FilesErr)
	}
	if opts.JSON {
		return report.WriteRunsJSON(opts.stdout, sum.Runs) // writeJSON's bytes, faster
	}
	if _, err := opts.stdout.Write(sum.Table); err != nil {
		return err
	}
	printSaved(opts.stdout, sum.Runs.Saved...)
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// sweepCmd is what a command that runs a sweep (kxrun ablation, seeds,
// run) adds to the flow every such command shares, runSweepCmd.
type sweepCmd struct {
	plan     *plan.Plan
	source   string // recorded in each run: "ablation", "seeds", "run"
	json     bool   // --json: the summary on stdout, run lines on stderr
	reportMD string // --report-md: where to copy the report, "" for nowhere
	failOn   string // --fail-on: failed (or ""), hurts or none
	// prepare is called once the sweep is set up, before anything runs,
	// and returns the runs --dry-run lists.
	prepare func() ([]plan.RunSpec, error)
	// dryNote, when set, is printed before the dry run's list, with the
	// run lines (on stderr with --json: stdout holds one JSON value).
	dryNote string
	// header is the sweep's first line; nil for none.
	header func(opts *study.Options) string
	// run runs the sweep's study: a storage failure or
	// runner.ErrInterrupted, and what to report in either case (nil when
	// nothing ran).
	run func(ctx context.Context, opts study.Options) (*sweepEnd, error)
}

// sweepEnd is what a sweep's study hands to finishSweep.
type sweepEnd struct {
	// kind names the report (tracker.ReportName); "" writes no report.
	kind string
	// draw, when set, draws the report's figure under the report's base
	// name and returns its files (none when it could not be drawn).
	draw     func(tr *tracker.Tracker, base string) []string
	markdown func() []byte
	report   *string // set to the report's path
	summary  any     // printed with --json
	table    func(io.Writer)
	fresh    int // runs made (not reused): runs.csv changed
	failed   int // runs that count as failed for the exit status
	// hurting lists what hurts, for --fail-on hurts; nil for a sweep that
	// judges nothing.
	hurting func() []string
}

// runSweepCmd sets up the sweep, lists it with --dry-run or runs it,
// then writes the report and its figure, prints the summary and decides
// the exit status.
func runSweepCmd(ctx context.Context, g *globals, f *sweepFlags, c sweepCmd) error {
	progress := g.stdout
	if c.json {
		progress = g.stderr
	}
	sw, err := newSweep(g, f, c.plan, c.source, progress)
	if err != nil {
		return err
	}
	runs, err := c.prepare()
	if err != nil {
		return err
	}
	if f.DryRun {
		if c.dryNote != "" {
			fmt.Fprintln(progress, c.dryNote)
		}
		return sw.dryRun(g.stdout, runs, c.json)
	}
	if c.header != nil {
		fmt.Fprintln(progress, c.header(&sw.opts))
	}
	end, runErr := c.run(ctx, sw.opts)
	sw.close()
	if runErr != nil && (end == nil || !study.IsInterrupted(runErr)) {
		return sweepError(runErr, sw.opts.Tracker)
	}
	return finishSweep(g, c, progress, sw.opts.Tracker, end, runErr)
}

// finishSweep writes the report (reports/<base>.md, figures beside it),
// prints the summary and decides the exit status.
func finishSweep(g *globals, c sweepCmd, progress io.Writer, tr *tracker.Tracker, e *sweepEnd, runErr error) error {
	saved := loggedPaths(tr, e.fresh)
	if e.kind != "" {
		// The report and its figure share one name, taken once.
		base := tracker.ReportName(time.Now(), c.plan.Name, tracker.PartialKind(e.kind, study.IsInterrupted(runErr)))
		var figures []string
		if e.draw != nil {
			figures = e.draw(tr, base)
		}
		md := e.markdown()
		reportPath, err := tr.WriteReport(base+".md", md)
		if err != nil {
			return err
		}
		*e.report = reportPath
		saved = append(saved, reportPath)
		saved = append(saved, figures...)
		if c.reportMD != "" {
			written, err := report.WriteCopy(c.reportMD, md, figures)
			if err != nil {
				return fmt.Errorf("--report-md: %w", err)
			}
			saved = append(saved, written...)
		}
	}
	if c.json {
		if err := writeJSON(g.stdout, e.summary); err != nil {
			return err
		}
	} else {
		e.table(g.stdout)
	}
	if e.kind != "" {
		fmt.Fprintln(progress) // sets the saved files apart from the report's table
	}
	printSaved(progress, saved...)
	if runErr != nil {
		return runErr
	}
	if c.failOn == "none" {
		return nil
	}
	if e.failed > 0 {
		return errRunsFailed
	}
	if c.failOn == "hurts" && e.hurting != nil {
		if bad := e.hurting(); len(bad) > 0 {
			return &groupsHurtError{variants: bad}
		}
	}
	return nil
}

// plotFiles are a drawn figure's files; none for nil.
func plotFiles(p *study.PlotFiles) []string {
	if p == nil {
		return nil
	}
	return []string{p.PNG, p.SVG}
}

// sweepError explains an error that stopped a sweep.
func sweepError(err error, tr *tracker.Tracker) error {
	var ie *study.InputError
	if errors.As(err, &ie) {
		return usagef("fix the plan", "%v", ie)
	}
	return withHint(err, "check free space and permissions of "+displayPath(tr.Dir)+"; runs logged before this are intact")
}

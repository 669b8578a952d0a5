package main

import (
	"cmp"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/progress"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// sweepFlags are shared by the commands that run plans.
type sweepFlags struct {
	Force     bool
	DryRun    bool
	GPUs      []int
	PerGPU    int
	Executor  string
	KeepGoing bool
}

func (f *sweepFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.Force, "force", false, "run everything again instead of reusing ok runs with the same fingerprint")
	fl.BoolVar(&f.DryRun, "dry-run", false, "list every run as 'would run' or 'cached', run nothing")
	fl.IntSliceVar(&f.GPUs, "gpus", nil, "GPU ids to share out, e.g. 0,1 (overrides the plan's gpus)")
	fl.IntVar(&f.PerGPU, "per-gpu", 0, "runs at once per GPU (overrides the plan's per_gpu)")
	fl.StringVar(&f.Executor, "executor", "", "where runs go: local or slurm (overrides the plan's executor)")
	fl.BoolVar(&f.KeepGoing, "keep-going", false, "start every run even when the first ones all fail the same way")
}

// sweepSetup is what a plan-running command needs to start a sweep.
type sweepSetup struct {
	opts  study.Options
	close func()
}

// newSweep resolves the plan's workdir, opens the tracker and picks the
// progress display: live on a terminal, plain lines otherwise. Run lines go
// to out (stdout, or stderr with --json).
func newSweep(g *globals, f *sweepFlags, p *plan.Plan, source string, out io.Writer) (*sweepSetup, error) {
	workdir, err := resolveWorkdir(p)
	if err != nil {
		return nil, err
	}
	jobs := p.Jobs
	if g.JobsSet || jobs == 0 {
		jobs = g.Jobs
	}
	gpus, perGPU := p.GPUs, p.PerGPU
	if len(f.GPUs) > 0 {
		gpus = f.GPUs
	}
	if f.PerGPU < 0 {
		return nil, usagef("--per-gpu 2", "--per-gpu must be at least 1")
	}
	if f.PerGPU > 0 {
		perGPU = f.PerGPU
	}
	if len(gpus) > 0 {
		jobs = min(jobs, len(gpus)*max(perGPU, 1))
	}
	executor := cmp.Or(f.Executor, p.Executor, plan.ExecutorLocal)
	switch executor {
	case plan.ExecutorLocal:
	case plan.ExecutorSlurm:
		if err := checkSlurm(gpus, f.DryRun); err != nil {
			return nil, err
		}
	default:
		return nil, usagef("--executor local or --executor slurm", "unknown executor %q", executor)
	}
	var tr *tracker.Tracker
	if f.DryRun {
		tr, err = tracker.Peek(g.Dir) // a dry run writes nothing
	} else {
		tr, err = openTracker(g.Dir, g.stderr)
	}
	if err != nil {
		return nil, err
	}
	tr.Warn = func(msg string) { fmt.Fprintln(g.stderr, "warning:", msg) }
	s := &sweepSetup{close: func() {}}
	var exe runner.Executor = &runner.Local{Hard: g.hard}
	closeExe := func() {}
	if executor == plan.ExecutorSlurm && !f.DryRun {
		if exe, closeExe, err = newSlurmExecutor(tr, p, jobs); err != nil {
			return nil, err
		}
	}
	s.opts = study.Options{
		Plan: p, Tracker: tr, Workdir: workdir, Jobs: jobs, Source: source,
		Executor: exe, Progress: out, Force: f.Force, GPUs: gpus, PerGPU: perGPU,
		KeepGoing: f.KeepGoing,
	}
	if file, ok := out.(*os.File); ok && term.IsTerminal(int(file.Fd())) && !f.DryRun {
		live := progress.NewLive(out, jobs, p.Direction)
		s.opts.Progress, s.opts.Events = live.Writer(), live
		s.close = func() { live.Close(); closeExe() }
	} else {
		s.opts.Events = progress.Plain{W: out}
		s.close = closeExe
	}
	return s, nil
}

// dryRun lists what a sweep of runs would do, running nothing.
func (s *sweepSetup) dryRun(w io.Writer, runs []plan.RunSpec, asJSON bool) error {
	planned, err := study.DryRun(s.opts, runs)
	if err != nil {
		return sweepError(err, s.opts.Tracker)
	}
	if asJSON {
		return writeJSON(w, dryRunJSON(s.opts.Plan, planned))
	}
	printDryRun(w, planned)
	return nil
}

// dryRunJSON is what --dry-run --json prints: one JSON object.
func dryRunJSON(p *plan.Plan, planned []study.Planned) any {
	type run struct {
		Name        string `json:"name"`
		Variant     string `json:"variant"`
		Seed        int64  `json:"seed"`
		Action      string `json:"action"`               // "run" or "cached"
		CachedRun   string `json:"cached_run,omitempty"` // the run reused
		Fingerprint string `json:"fingerprint"`
	}
	out := struct {
		Plan     string `json:"plan"`
		DryRun   bool   `json:"dry_run"`
		Total    int    `json:"runs_total"`
		WouldRun int    `json:"would_run"`
		Cached   int    `json:"cached"`
		Runs     []run  `json:"runs"`
	}{Plan: p.Name, DryRun: true, Total: len(planned), Runs: []run{}}
	for _, pl := range planned {
		r := run{Name: pl.Spec.Name, Variant: pl.Spec.Variant, Seed: pl.Spec.Seed, Action: "run", Fingerprint: pl.Spec.Fingerprint}
		if pl.Cached != nil {
			r.Action, r.CachedRun = "cached", pl.Cached.RunID
			out.Cached++
		} else {
			out.WouldRun++
		}
		out.Runs = append(out.Runs, r)
	}
	return out
}

func printDryRun(w io.Writer, planned []study.Planned) {
	would := 0
	for _, pl := range planned {
		if pl.Cached != nil {
			fmt.Fprintf(w, "cached     %-36s %s\n", pl.Spec.Name, pl.Cached.RunID)
		} else {
			would++
			fmt.Fprintf(w, "would run  %s\n", pl.Spec.Name)
		}
	}
	fmt.Fprintf(w, "%d run(s): %d would run, %d cached\n", len(planned), would, len(planned)-would)
}

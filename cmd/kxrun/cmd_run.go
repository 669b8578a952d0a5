package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

type runOptions struct {
	*globals
	PlanPath string
	Variant  string
	Seeds    []int64
	JSON     bool
}

func newRunCmd(g *globals) *cobra.Command {
	opts := &runOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "run PLAN",
		Short: "Run one variant of a plan (default all) for its seeds, logged like any run",
		Long: `Runs one variant of the plan (all, base, -group or +group; default all) for the
plan's seeds, or the seeds given with --seed, and logs every run.
A resolved config in the tracker's configs/ folder is itself a plan:
kxrun run experiments/configs/<name>.yaml reproduces that run.`,
		Example: "  kxrun run plans/groups.yaml\n  kxrun run plans/groups.yaml --variant -family --seed 1 --seed 2",
		Args:    exactArgs(1, "kxrun run plans/groups.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath = args[0]
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Variant, "variant", "all", "the variant to run: all, base, -GROUP or +GROUP")
	cmd.Flags().Int64SliceVar(&opts.Seeds, "seed", nil, "seed to run (repeatable; default: the plan's seeds)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the runs as one JSON object on stdout")
	return cmd
}

func runRun(ctx context.Context, opts *runOptions) error {
	p, err := loadPlan(opts.PlanPath, opts.stderr)
	if err != nil {
		return err
	}
	workdir, err := resolveWorkdir(p)
	if err != nil {
		return err
	}
	seeds := opts.Seeds
	if len(seeds) == 0 {
		seeds = p.Seeds
	}
	tr, err := tracker.Open(opts.Dir)
	if err != nil {
		return err
	}
	progress := opts.stdout
	if opts.JSON {
		progress = opts.stderr
	}
	jobs := p.Jobs
	if opts.JobsSet || jobs == 0 {
		jobs = opts.Jobs
	}
	finished, runErr := study.RunVariant(ctx, study.Options{
		Plan: p, Tracker: tr, Workdir: workdir, Jobs: jobs, Source: "run",
		Executor: &runner.Local{Hard: opts.hard}, Progress: progress,
	}, opts.Variant, seeds)
	if ie, ok := runErr.(*study.InputError); ok {
		return usagef("kxrun run "+opts.PlanPath+" --variant all", "%v", ie)
	}
	if runErr != nil && !study.IsInterrupted(runErr) {
		return &hinted{err: runErr, hint: "check free space and permissions of " + displayPath(tr.Dir) + "; runs logged before this are intact"}
	}
	failed := 0
	var runs []any
	for _, f := range finished {
		if f == nil {
			continue
		}
		if f.Record.Status != string(runner.StatusOK) {
			failed++
		}
		runs = append(runs, f.Record)
	}
	if opts.JSON {
		if err := writeJSON(opts.stdout, map[string]any{"plan": p.Name, "variant": opts.Variant, "runs": runs}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(opts.stdout, "%d run(s) of %s %s, %d failed\n", len(runs), p.Name, opts.Variant, failed)
	}
	printSaved(progress, tr.CSVPath())
	switch {
	case runErr != nil:
		return runErr
	case failed > 0:
		return errRunsFailed
	}
	return nil
}

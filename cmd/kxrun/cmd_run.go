package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/study"
)

type runOptions struct {
	*globals
	sweepFlags
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
	opts.sweepFlags.bind(cmd)
	return cmd
}

func runRun(ctx context.Context, opts *runOptions) error {
	p, err := loadPlan(opts.PlanPath, opts.stderr)
	if err != nil {
		return err
	}
	seeds := opts.Seeds
	if len(seeds) == 0 {
		seeds = p.Seeds
	}
	progress := opts.stdout
	if opts.JSON {
		progress = opts.stderr
	}
	sw, err := newSweep(opts.globals, &opts.sweepFlags, p, "run", progress)
	if err != nil {
		return err
	}
	runs, err := study.VariantRuns(p, opts.Variant, seeds)
	if err != nil {
		return usagef("kxrun run "+opts.PlanPath+" --variant all", "%v", err)
	}
	if opts.DryRun {
		return sw.dryRun(opts.stdout, runs)
	}
	finished, runErr := study.RunVariant(ctx, sw.opts, runs)
	sw.close()
	if runErr != nil && !study.IsInterrupted(runErr) {
		return sweepError(runErr, sw.opts.Tracker)
	}
	counts := study.CountRuns(finished)
	runsOut := []any{}
	for _, f := range finished {
		if f != nil {
			runsOut = append(runsOut, map[string]any{"cached": f.Cached, "record": f.Record})
		}
	}
	if opts.JSON {
		if err := writeJSON(opts.stdout, map[string]any{"plan": p.Name, "variant": opts.Variant, "runs": runsOut}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(opts.stdout, "%d run(s) of %s %s: %d cached, %d failed\n", len(runsOut), p.Name, opts.Variant, counts.Cached, counts.Failed+counts.Cancelled)
	}
	printSaved(progress, sw.opts.Tracker.CSVPath())
	switch {
	case runErr != nil:
		return runErr
	case counts.Failed+counts.Cancelled > 0:
		return errRunsFailed
	}
	return nil
}

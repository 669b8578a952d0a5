package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
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
		Use:   "run PLAN|RUN",
		Short: "Run one variant of a plan (default all) for its seeds, logged like any run",
		Long: `Runs one variant of the plan (all, base, -name or +name for a group or technique; default all) for the
plan's seeds, or the seeds given with --seed, and logs every run.
Given a run of the tracker instead of a plan file, it runs that run's
resolved config again (see kxrun show RUN --config): the same command,
features, seed, params and environment.`,
		Example: "  kxrun run plans/groups.yaml\n  kxrun run plans/groups.yaml --variant -family --seed 1 --seed 2\n  kxrun run run_012 --force",
		Args:    exactArgs(1, "kxrun run plans/groups.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath = args[0]
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Variant, "variant", "all", "the variant to run: all, base, -NAME or +NAME (a feature group or technique)")
	cmd.Flags().Int64SliceVar(&opts.Seeds, "seed", nil, "seed to run (repeatable; default: the plan's seeds)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the runs as one JSON object on stdout")
	opts.sweepFlags.bind(cmd)
	return cmd
}

func runRun(ctx context.Context, opts *runOptions) error {
	p, err := loadPlanOrRun(opts)
	if err != nil {
		return err
	}
	seeds := opts.Seeds
	if len(seeds) == 0 {
		seeds = p.Seeds
	}
	c := sweepCmd{plan: p, source: "run", json: opts.JSON}
	var runs []plan.RunSpec
	c.prepare = func() ([]plan.RunSpec, error) {
		if runs, err = study.VariantRuns(p, opts.Variant, seeds); err != nil {
			return nil, usagef("kxrun run "+opts.PlanPath+" --variant all", "%v", err)
		}
		return runs, nil
	}
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		finished, err := study.RunVariant(ctx, so, runs)
		counts := study.CountRuns(finished)
		runsOut := []any{}
		for _, f := range finished {
			if f != nil {
				runsOut = append(runsOut, map[string]any{"cached": f.Cached, "record": f.Record})
			}
		}
		return &sweepEnd{
			summary: map[string]any{"plan": p.Name, "variant": opts.Variant, "runs": runsOut},
			table: func(w io.Writer) {
				fmt.Fprintf(w, "%d run(s) of %s %s: %d cached, %d failed\n", len(runsOut), p.Name, opts.Variant, counts.Cached, counts.Failed+counts.Cancelled)
			},
			fresh: counts.Fresh, failed: counts.Failed + counts.Cancelled,
		}, err
	}
	return runSweepCmd(ctx, opts.globals, &opts.sweepFlags, c)
}

// loadPlanOrRun loads the plan file named by the argument or, when no such
// file exists, the resolved config of the tracker's run of that name.
func loadPlanOrRun(opts *runOptions) (*plan.Plan, error) {
	ref := opts.PlanPath
	if _, err := os.Stat(ref); err == nil || !tracker.Exists(opts.Dir) {
		return loadPlan(ref, opts.stderr)
	}
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return nil, err
	}
	_, rec, err := findRun(tr, rows, ref)
	var unknown *tracker.UnknownRunError
	if errors.As(err, &unknown) {
		return nil, usagef("kxrun run plans/groups.yaml, or kxrun run run_012 for a run of "+displayPath(tr.Dir),
			"%s is neither a plan file nor a run of the tracker: %v", ref, err)
	}
	if err != nil {
		return nil, err
	}
	cfg, err := resolvedConfig(tr, rec)
	if err != nil {
		return nil, err
	}
	p, err := plan.Parse(rec.RunID+" (resolved config)", cfg)
	if err != nil {
		return nil, err
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(opts.stderr, "warning: %v\n", w)
	}
	return p, nil
}

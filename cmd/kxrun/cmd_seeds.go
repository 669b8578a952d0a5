package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

type seedsOptions struct {
	*globals
	sweepFlags
	PlanPath string
	Variant  string
	Seeds    []int64
	NSeeds   int
	TargetSE float64
	JSON     bool
	adaptiveFlags
}

func newSeedsCmd(g *globals) *cobra.Command {
	opts := &seedsOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "seeds PLAN",
		Short: "Run one variant over several seeds and say how much the seed alone moves the score",
		Long: `Runs one variant of the plan (default all) once per seed, concurrently and
logged like every run, then prints each seed's CV mean and std, the mean and
the sample standard deviation (ddof 1) of the seeds' CV means, their range,
a warning when that std is above the plan's seed_std_warn, and how many
seeds to average for the standard error of a seed-averaged score to fall
under --target-se (default: min_gain / 2.8, the standard error at which a
gain of min_gain is detected with 80% power at alpha 0.05; min_gain is the
plan's, or without one 0.001 for a maximised score in [0, 1] and 0.5% of
the mean score for a loss or an error).

Seeds: the plan's (at least 2), the ones given with --seeds, or --n-seeds N:
the plan's seeds first, then a fixed pseudo-random sequence of seeds in
[1, 100000), so that the same N always gives the same seeds. With
--adaptive it starts with the plan's adaptive min_seeds seeds of that
sequence and adds seeds, as many as the spread so far says are needed,
until the standard error of the seed-averaged score is at or below
--target-se or max_seeds have run; --deadline 07:00 or --budget 3h starts
no seed that the durations so far say cannot end in time.

Writes reports/<date>_<plan>_seeds.md (<date>_<plan>_minus_<group>_seeds.md,
..._plus_<group>_seeds.md or ..._base_seeds.md for another variant) with a
figure of the seeds' scores, .png and .svg, beside it.

Exit status: 0 all runs ok, 1 some run failed, 2 bad plan or usage,
3 the tracker could not be written, 130 interrupted.`,
		Example: "  kxrun seeds plans/groups.yaml\n" +
			"  kxrun seeds plans/groups.yaml --n-seeds 10\n" +
			"  kxrun seeds plans/groups.yaml --variant -family --seeds 1,2,3,4,5 --json",
		Args: exactArgs(1, "kxrun seeds plans/groups.yaml --n-seeds 5"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath = args[0]
			fl := cmd.Flags()
			if fl.Changed("seeds") && fl.Changed("n-seeds") {
				return usagef("give either --seeds 1,2,3 or --n-seeds 3", "--seeds and --n-seeds cannot be used together")
			}
			if fl.Changed("n-seeds") && opts.NSeeds < 2 {
				return usagef("--n-seeds 5", "--n-seeds must be at least 2 to measure a spread, got %d", opts.NSeeds)
			}
			if opts.Adaptive && (fl.Changed("seeds") || fl.Changed("n-seeds")) {
				return usagef("kxrun seeds "+opts.PlanPath+" --adaptive --target-se 0.0005", "--adaptive picks the seeds itself: it cannot be used with --seeds or --n-seeds")
			}
			if fl.Changed("target-se") && !(opts.TargetSE > 0) {
				return usagef("--target-se 0.0005", "--target-se must be a positive number, got %v", opts.TargetSE)
			}
			return runSeeds(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Variant, "variant", "all", "the variant to run: all, base, -NAME or +NAME (a feature group or technique)")
	fl.Int64SliceVar(&opts.Seeds, "seeds", nil, "the seeds to run, e.g. 1,2,3 (default: the plan's)")
	fl.IntVar(&opts.NSeeds, "n-seeds", 0, "run N seeds: the plan's first, then a fixed sequence")
	fl.Float64Var(&opts.TargetSE, "target-se", 0, "standard error to aim at when advising a number of seeds (default min_gain/2.8)")
	fl.BoolVar(&opts.Adaptive, "adaptive", false, "add seeds until the standard error is at most --target-se or the plan's adaptive max_seeds is reached")
	fl.StringVar(&opts.Deadline, "deadline", "", "with --adaptive: start no seed that cannot end by then, e.g. 07:00 (the next one) or \"2026-12-04 07:00\"")
	fl.DurationVar(&opts.Budget, "budget", 0, "with --adaptive: start no seed that cannot end within this time from now, e.g. 3h")
	fl.BoolVar(&opts.JSON, "json", false, "print the summary as one JSON object on stdout (run lines go to stderr)")
	opts.sweepFlags.bind(cmd)
	return cmd
}

func runSeeds(ctx context.Context, opts *seedsOptions) error {
	p, err := loadPlan(opts.PlanPath, opts.stderr)
	if err != nil {
		return err
	}
	deadline, err := opts.adaptiveFlags.deadline(time.Now())
	if err != nil {
		return err
	}
	var seeds []int64
	if opts.Adaptive {
		a := p.AdaptiveSettings()
		seeds = study.ChooseSeeds(p.Seeds, a.MinSeeds) // the first round; the dry run lists it
	} else if seeds, err = seedsToRun(p, opts); err != nil {
		return err
	}
	runs, err := study.VariantRuns(p, opts.Variant, seeds)
	if err != nil {
		return usagef("kxrun seeds "+opts.PlanPath+" --variant all", "%v", err)
	}
	c := sweepCmd{plan: p, source: "seeds", json: opts.JSON}
	c.prepare = func() ([]plan.RunSpec, error) { return runs, nil }
	c.header = func(so *study.Options) string {
		if opts.Adaptive {
			a := p.AdaptiveSettings()
			return fmt.Sprintf("kxrun: %s: variant %s, %d to %d seeds until the standard error is at most the target, %d at a time%s, logging to %s",
				p.Name, opts.Variant, a.MinSeeds, a.MaxSeeds, so.Jobs, untilText(deadline), displayPath(so.Tracker.Dir))
		}
		return fmt.Sprintf("kxrun: %s: variant %s x %d seeds = %d runs, %d at a time, logging to %s",
			p.Name, opts.Variant, len(seeds), len(runs), so.Jobs, displayPath(so.Tracker.Dir))
	}
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		var sum *study.SeedSummary
		var err error
		if opts.Adaptive {
			sum, err = study.AdaptiveSeedStudy(ctx, so, opts.Variant, opts.TargetSE, deadline)
		} else {
			sum, err = study.SeedStudy(ctx, so, opts.Variant, seeds, opts.TargetSE)
		}
		if sum == nil {
			return nil, err
		}
		return &sweepEnd{
			kind: study.SeedReportKind(p, opts.Variant),
			draw: func(tr *tracker.Tracker, base string) []string {
				report.DrawSeedsFigure(tr, base, sum)
				return plotFiles(sum.Plot)
			},
			markdown: func() []byte { return report.SeedsMarkdown(sum) },
			report:   &sum.Report, summary: sum, fresh: sum.Fresh,
			table:  func(w io.Writer) { report.SeedsTable(w, sum) },
			failed: sum.Failed,
		}, err
	}
	return runSweepCmd(ctx, opts.globals, &opts.sweepFlags, c)
}

// seedsToRun picks the seeds of a seed study: --seeds, --n-seeds, or the
// plan's when it has at least 2.
func seedsToRun(p *plan.Plan, opts *seedsOptions) ([]int64, error) {
	example := "kxrun seeds " + opts.PlanPath + " --n-seeds 5"
	switch {
	case len(opts.Seeds) > 0:
		seen := map[int64]bool{}
		for _, s := range opts.Seeds {
			if seen[s] {
				return nil, usagef("list each seed once", "--seeds lists %d twice", s)
			}
			seen[s] = true
		}
		if len(opts.Seeds) < 2 {
			return nil, usagef(example, "--seeds gives one seed; measuring the spread over seeds needs at least 2")
		}
		return opts.Seeds, nil
	case opts.NSeeds > 0:
		return study.ChooseSeeds(p.Seeds, opts.NSeeds), nil
	case len(p.Seeds) < 2:
		return nil, usagef(example, "the plan %s has one seed (%d); measuring the spread over seeds needs at least 2", p.Path, p.Seeds[0])
	}
	return p.Seeds, nil
}

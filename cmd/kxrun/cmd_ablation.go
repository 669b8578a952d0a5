package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

type ablationOptions struct {
	*globals
	sweepFlags
	PlanPath string
	JSON     bool
	ReportMD string
	FailOn   string
	Path     bool
	adaptiveFlags
}

func newAblationCmd(g *globals) *cobra.Command {
	opts := &ablationOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ablation PLAN",
		Short: "Run every ablation variant of a plan (feature groups and techniques) for every seed",
		Long: `Expands the plan into variants (all groups and techniques on, all minus each
group or technique, base features with no technique, base plus each one)
times seeds, runs the plan's command for each, logs every run to the
tracker and prints what each feature group and technique is worth.

With --path it runs a path ablation instead: from base, it turns on each
remaining group or technique in turn and keeps the one that helps most
(by the seed-paired mean), until all is reached, and reports the path with
the gain of each step and its share of the total gain.

With --adaptive it runs in rounds up to each look of the plan's adaptive:
settings (default min_seeds 3, max_seeds 12, looks 3, 5, 8, 12; the plan's
seeds first, then the fixed sequence of kxrun seeds --n-seeds): at each
look every open comparison is tested by the paired t-test over seeds at
alpha / (number of looks), settled as helps or hurts when p is below it or
as negligible when its interval lies inside ±min_gain, and a variant gets no
more seeds once all its comparisons are settled. --deadline 07:00 or
--budget 3h starts no run that the durations so far say cannot end in time.
Rerunning reuses every finished run and continues from the last look.

Exit status: 0 all runs ok, 1 some run failed, 2 bad plan or usage,
3 the tracker could not be written, 130 interrupted.`,
		Example: "  kxrun ablation plans/groups.yaml\n  kxrun ablation plans/groups.yaml --jobs 4 --json | jq .variants\n  kxrun ablation plans/groups.yaml --path",
		Args:    exactArgs(1, "kxrun ablation plans/groups.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath = args[0]
			return runAblation(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the summary as one JSON object on stdout (run lines go to stderr)")
	cmd.Flags().StringVar(&opts.ReportMD, "report-md", "", "also write the markdown summary to this file (e.g. for a pull-request comment)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "failed", "when to exit non-zero: failed (a run failed: 1), hurts (also when a group or technique hurts: 4), none")
	cmd.Flags().BoolVar(&opts.Path, "path", false, "path ablation: from base to all, turning on the most helpful remaining group or technique at each step")
	cmd.Flags().BoolVar(&opts.Adaptive, "adaptive", false, "adaptive sweep: seeds in rounds up to each look, none for comparisons already settled (plan key adaptive:)")
	cmd.Flags().StringVar(&opts.Deadline, "deadline", "", "with --adaptive: start no run that cannot end by then, e.g. 07:00 (the next one) or \"2026-12-04 07:00\"")
	cmd.Flags().DurationVar(&opts.Budget, "budget", 0, "with --adaptive: start no run that cannot end within this time from now, e.g. 3h")
	opts.sweepFlags.bind(cmd)
	return cmd
}

func runAblation(ctx context.Context, opts *ablationOptions) error {
	switch opts.FailOn {
	case "failed", "hurts", "none":
	default:
		return usagef("--fail-on failed|hurts|none", "unknown --fail-on %q", opts.FailOn)
	}
	p, err := loadPlan(opts.PlanPath, opts.stderr)
	if err != nil {
		return err
	}
	deadline, err := opts.adaptiveFlags.deadline(time.Now())
	if err != nil {
		return err
	}
	if opts.Adaptive && opts.Path {
		return usagef("run kxrun ablation --adaptive or kxrun ablation --path", "--adaptive and --path cannot be used together")
	}
	if opts.Path && len(p.Components()) == 0 {
		return usagef("add feature_groups: or techniques: to "+p.Path, "--path orders feature groups and techniques, and %s has none", p.Path)
	}
	c := sweepCmd{plan: p, source: "ablation", json: opts.JSON, reportMD: opts.ReportMD, failOn: opts.FailOn}
	switch {
	case opts.Path:
		pathSweep(&c, opts)
	case opts.Adaptive:
		adaptiveSweep(&c, deadline)
	default:
		ablationSweep(&c, opts)
	}
	return runSweepCmd(ctx, opts.globals, &opts.sweepFlags, c)
}

// ablationSweep is kxrun ablation: every variant for every seed.
func ablationSweep(c *sweepCmd, opts *ablationOptions) {
	p := c.plan
	c.prepare = func() ([]plan.RunSpec, error) {
		if p.Adaptive != nil {
			fmt.Fprintf(opts.stderr, "note: %s has adaptive: settings; they apply with --adaptive\n", p.Path)
		}
		return p.Runs(), nil
	}
	c.header = func(so *study.Options) string {
		return fmt.Sprintf("kxrun: %s: %d variants x %d seeds = %d runs, %d at a time, logging to %s",
			p.Name, countRun(p.Variants()), len(p.Seeds), len(p.Runs()), so.Jobs, displayPath(so.Tracker.Dir))
	}
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		sum, err := study.Ablation(ctx, so)
		return ablationEnd(sum), err
	}
}

// ablationEnd is what an ablation, fixed or adaptive, reports.
func ablationEnd(sum *study.AblationSummary) *sweepEnd {
	return &sweepEnd{
		kind: "ablation",
		draw: func(tr *tracker.Tracker, base string) []string {
			report.DrawAblationFigure(tr, base, sum)
			return plotFiles(sum.Plot)
		},
		markdown: func() []byte { return report.AblationMarkdown(sum) },
		report:   &sum.Report, summary: sum, fresh: sum.Fresh,
		table:  func(w io.Writer) { report.AblationTable(w, sum) },
		failed: sum.Failed, hurting: func() []string { return study.Hurting(sum) },
	}
}

// pathSweep is kxrun ablation --path.
func pathSweep(c *sweepCmd, opts *ablationOptions) {
	p := c.plan
	k := len(p.Components())
	c.prepare = func() ([]plan.RunSpec, error) {
		first := []plan.Variant{p.PathVariant(nil)}
		for _, comp := range p.Components() {
			first = append(first, p.PathVariant([]plan.Component{comp}))
		}
		var runs []plan.RunSpec
		for _, v := range first {
			for _, seed := range p.Seeds {
				runs = append(runs, plan.RunSpec{Variant: v, Seed: seed, Name: plan.RunName(p.Name, v, seed)})
			}
		}
		return runs, nil
	}
	c.dryNote = fmt.Sprintf("path ablation: base and the first step below; the %d later step(s) depend on its results", max(k-1, 0))
	c.header = func(so *study.Options) string {
		return fmt.Sprintf("kxrun: %s: path ablation over %d groups and techniques: base + %d variants x %d seeds = up to %d runs, %d at a time, logging to %s",
			p.Name, k, study.PathVariants(k), len(p.Seeds), (1+study.PathVariants(k))*len(p.Seeds), so.Jobs, displayPath(so.Tracker.Dir))
	}
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		sum, err := study.PathAblation(ctx, so)
		return &sweepEnd{
			kind:     "path",
			markdown: func() []byte { return report.PathMarkdown(sum) },
			report:   &sum.Report, summary: sum, fresh: sum.Fresh,
			table:  func(w io.Writer) { report.PathTable(w, sum) },
			failed: sum.Failed, hurting: func() []string { return study.PathHurting(sum) },
		}, err
	}
}

func countRun(vs []plan.Variant) int {
	n := 0
	for _, v := range vs {
		if v.SameAs == "" {
			n++
		}
	}
	return n
}

// loadPlan reads and validates a plan, printing its warnings.
func loadPlan(path string, stderr io.Writer) (*plan.Plan, error) {
	p, err := plan.Load(path)
	if err != nil {
		var pe *plan.ErrorList
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, usagef("check the path; `kxrun ablation plans/groups.yaml` takes the plan file", "%v", err)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(stderr, "warning: %v\n", w)
	}
	return p, nil
}

// resolveWorkdir makes the plan's workdir absolute: relative to the
// directory kxrun was started in, which is also the default.
func resolveWorkdir(p *plan.Plan) (string, error) {
	dir, err := filepath.Abs(p.Workdir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return "", usagef("set workdir in "+p.Path+" to an existing directory", "workdir %s is not a directory", dir)
	}
	return dir, nil
}

// displayPath shows a path relative to the current directory when it is
// inside it.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || len(rel) >= 2 && rel[:2] == ".." {
		return path
	}
	return rel
}

// exactArgs is cobra.ExactArgs with a usage error kxrun maps to status 2.
func exactArgs(n int, example string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef(example, "%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

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
}

func newAblationCmd(g *globals) *cobra.Command {
	opts := &ablationOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ablation PLAN",
		Short: "Run every feature-group ablation variant of a plan for every seed",
		Long: `Expands the plan into variants (all features, all minus each group, base
only, base plus each group) times seeds, runs the plan's command for each,
logs every run to the tracker and prints what each feature group is worth.

Exit status: 0 all runs ok, 1 some run failed, 2 bad plan or usage,
3 the tracker could not be written, 130 interrupted.`,
		Example: "  kxrun ablation plans/groups.yaml\n  kxrun ablation plans/groups.yaml --jobs 4 --json | jq .variants",
		Args:    exactArgs(1, "kxrun ablation plans/groups.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath = args[0]
			return runAblation(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the summary as one JSON object on stdout (run lines go to stderr)")
	cmd.Flags().StringVar(&opts.ReportMD, "report-md", "", "also write the markdown summary to this file (e.g. for a pull-request comment)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "failed", "when to exit non-zero: failed (a run failed: 1), hurts (also when a group hurts: 4), none")
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
	progress := opts.stdout
	if opts.JSON {
		progress = opts.stderr
	}
	sw, err := newSweep(opts.globals, &opts.sweepFlags, p, "ablation", progress)
	if err != nil {
		return err
	}
	if opts.DryRun {
		return sw.dryRun(opts.stdout, p.Runs(), opts.JSON)
	}
	fmt.Fprintf(progress, "kxrun: %s: %d variants x %d seeds = %d runs, %d at a time, logging to %s\n",
		p.Name, countRun(p.Variants()), len(p.Seeds), len(p.Runs()), sw.opts.Jobs, displayPath(sw.opts.Tracker.Dir))
	sum, runErr := study.Ablation(ctx, sw.opts)
	sw.close()
	if runErr != nil && !study.IsInterrupted(runErr) {
		return sweepError(runErr, sw.opts.Tracker)
	}
	tr := sw.opts.Tracker
	name := study.ReportName(p.Name, study.PartialKind("ablation", sum.Interrupted), time.Now()) + ".md"
	md := report.AblationMarkdown(sum)
	reportPath, err := tr.WriteReport(name, md)
	if err != nil {
		return err
	}
	sum.Report = reportPath
	saved := append(loggedPaths(tr, sum.Fresh), reportPath)
	var figures []string
	if sum.Plot != nil {
		figures = []string{sum.Plot.PNG, sum.Plot.SVG}
		saved = append(saved, figures...)
	}
	if opts.ReportMD != "" {
		written, err := writeReportCopy(opts.ReportMD, md, figures)
		if err != nil {
			return fmt.Errorf("--report-md: %w", err)
		}
		saved = append(saved, written...)
	}

	if opts.JSON {
		if err := writeJSON(opts.stdout, sum); err != nil {
			return err
		}
	} else {
		report.AblationTable(opts.stdout, sum)
	}
	fmt.Fprintln(progress)
	printSaved(progress, saved...)
	if runErr != nil {
		return runErr
	}
	if opts.FailOn == "none" {
		return nil
	}
	if sum.Failed > 0 {
		return errRunsFailed
	}
	if opts.FailOn == "hurts" {
		if bad := study.Hurting(sum); len(bad) > 0 {
			return &groupsHurtError{variants: bad}
		}
	}
	return nil
}

// writeReportCopy writes the markdown summary to path too, with the
// figures it links to beside it (the links are relative).
func writeReportCopy(path string, md []byte, figures []string) ([]string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, md, 0o644); err != nil {
		return nil, err
	}
	written := []string{path}
	for _, fig := range figures {
		data, err := os.ReadFile(fig)
		if err != nil {
			return written, err
		}
		dst := filepath.Join(filepath.Dir(path), filepath.Base(fig))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, dst)
	}
	return written, nil
}

// sweepError explains an error that stopped a sweep.
func sweepError(err error, tr *tracker.Tracker) error {
	var ie *study.InputError
	if errors.As(err, &ie) {
		return usagef("fix the plan", "%v", ie)
	}
	return &hinted{err: err, hint: "check free space and permissions of " + displayPath(tr.Dir) + "; runs logged before this are intact"}
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

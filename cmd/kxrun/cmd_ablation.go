package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

type ablationOptions struct {
	*globals
	PlanPath string
	JSON     bool
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
	return cmd
}

func runAblation(ctx context.Context, opts *ablationOptions) error {
	p, err := loadPlan(opts.PlanPath, opts.stderr)
	if err != nil {
		return err
	}
	workdir, err := resolveWorkdir(p)
	if err != nil {
		return err
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
	fmt.Fprintf(progress, "kxrun: %s: %d variants x %d seeds = %d runs, %d at a time, logging to %s\n",
		p.Name, countRun(p.Variants()), len(p.Seeds), len(p.Runs()), jobs, displayPath(tr.Dir))

	sum, runErr := study.Ablation(ctx, study.Options{
		Plan: p, Tracker: tr, Workdir: workdir, Jobs: jobs, Source: "ablation",
		Executor: &runner.Local{Hard: opts.hard}, Progress: progress,
	})
	if runErr != nil && !study.IsInterrupted(runErr) {
		return &hinted{err: runErr, hint: "check free space and permissions of " + displayPath(tr.Dir) + "; runs logged before this are intact"}
	}
	name := fmt.Sprintf("%s_%s_ablation.md", time.Now().Format("2006-01-02"), p.Name)
	reportPath, err := tr.WriteReport(name, report.AblationMarkdown(sum))
	if err != nil {
		return err
	}
	sum.Report = reportPath

	if opts.JSON {
		enc := json.NewEncoder(opts.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		report.AblationTable(opts.stdout, sum)
	}
	fmt.Fprintf(progress, "\nsaved: %s, %s, %s\n", displayPath(tr.CSVPath()),
		displayPath(filepath.Join(tr.Dir, "details"))+string(filepath.Separator), displayPath(reportPath))
	switch {
	case runErr != nil:
		return runErr
	case sum.Failed > 0:
		return errRunsFailed
	}
	return nil
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

package main

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/ensemble"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

type oofCorrOptions struct {
	*globals
	Runs []string
	Top  int
	Plan string
	JSON bool
}

func newOOFCorrCmd(g *globals) *cobra.Command {
	opts := &oofCorrOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "oofcorr [RUN... | --top N]",
		Short: "Correlations of runs' OOF predictions: diverse strong runs blend well",
		Long: `Prints the Pearson and Spearman correlation matrices of the runs' out-of-fold
predictions (the 10 best ok runs by CV without arguments) and writes a report
with their heat maps to the tracker's reports/.`,
		Example: "  kxrun oofcorr\n  kxrun oofcorr --top 5 --plan lgb\n  kxrun oofcorr run_003 run_007 run_012 --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Runs = args
			if len(args) > 0 && cmd.Flags().Changed("top") {
				return usagef("kxrun oofcorr run_003 run_007, or kxrun oofcorr --top 10", "give runs or --top N (not both)")
			}
			if len(args) == 0 && opts.Top < 2 {
				return usagef("--top 10", "--top must be at least 2")
			}
			return runOOFCorr(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Top, "top", 10, "the N best ok runs by CV (blends excluded)")
	cmd.Flags().StringVar(&opts.Plan, "plan", "", "with --top: only runs of this plan")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the matrices as one JSON object on stdout")
	return cmd
}

func runOOFCorr(ctx context.Context, opts *oofCorrOptions) error {
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	top := opts.Top
	if len(opts.Runs) > 0 {
		top = 0
	}
	sel, err := selectRuns(rows, opts.Runs, top, opts.Plan)
	if err != nil {
		return err
	}
	members, err := ensemble.LoadOOF(tr, sel)
	if err != nil {
		var re *ensemble.RefusedError
		if errors.As(err, &re) {
			return usagef("correlate runs whose OOF arrays have one shape", "%v", re)
		}
		return err
	}
	c := ensemble.Correlate(members)
	now := time.Now()
	md, saved, err := report.WriteOOFCorr(tr, tracker.ReportName(now, "oofcorr"), c, now)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.stdout, c)
	}
	report.OOFCorrText(opts.stdout, c, styleFor(opts.stdout))
	printSaved(opts.stdout, append([]string{md}, saved...)...)
	return nil
}

package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/report"
)

type compareOptions struct {
	*globals
	A, B string
	JSON bool
}

func newCompareCmd(g *globals) *cobra.Command {
	opts := &compareOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "compare A B",
		Short: "Compare two runs: scores fold by fold, features, params, OOF correlation",
		Long: `Shows two runs side by side: CV mean and std, LB, the fold-by-fold scores and
their deltas (positive when B is better), the features added and removed,
the params that changed (nested keys by path), and the Pearson correlation of
their out-of-fold predictions when both have them with the same shape.`,
		Example: "  kxrun compare run_003 run_007\n  kxrun compare 3 7 --json",
		Args:    exactArgs(2, "kxrun compare run_003 run_007"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.A, opts.B = args[0], args[1]
			return runCompare(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object on stdout")
	return cmd
}

func runCompare(ctx context.Context, opts *compareOptions) error {
	// runs.csv is read once for both runs: on a large tracker the read is
	// most of the work.
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	ra, a, err := findRun(tr, rows, opts.A)
	if err != nil {
		return err
	}
	rb, b, err := findRun(tr, rows, opts.B)
	if err != nil {
		return err
	}
	c, err := report.Compare(ra, rb, a, b, tr)
	if err != nil {
		return usagef("compare runs scored in the same direction", "%v", err)
	}
	if opts.JSON {
		return writeJSON(opts.stdout, c)
	}
	report.CompareText(opts.stdout, c, styleFor(opts.stdout))
	return nil
}

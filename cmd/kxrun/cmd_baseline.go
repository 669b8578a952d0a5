package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/tracker"
)

type baselineOptions struct {
	*globals
	Run string
}

func newBaselineCmd(g *globals) *cobra.Command {
	opts := &baselineOptions{globals: g}
	return &cobra.Command{
		Use:   "baseline [RUN]",
		Short: "Set the run every new run is compared with (show it without RUN)",
		Long: `Every logged run prints its delta against the previous run and against the
baseline: the first ok run of the tracker, unless one is set here.`,
		Example: "  kxrun baseline run_007\n  kxrun baseline",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("kxrun baseline run_007", "baseline takes at most one run")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Run = args[0]
			}
			return runBaseline(cmd.Context(), opts)
		},
	}
}

func runBaseline(ctx context.Context, opts *baselineOptions) error {
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	if opts.Run != "" {
		row, err := tr.SetBaseline(opts.Run)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.stdout, "baseline: %s %s (CV %s)\n", row.RunID, visible(row.Name), fmtOpt(row.CVScore))
		return nil
	}
	id, err := tr.BaselineID()
	if err != nil {
		return err
	}
	b := tracker.Baseline(rows, id)
	switch {
	case b != nil && id != "":
		fmt.Fprintf(opts.stdout, "baseline: %s %s (CV %s), set with kxrun baseline\n", b.RunID, visible(b.Name), fmtOpt(b.CVScore))
	case b != nil:
		fmt.Fprintf(opts.stdout, "baseline: %s %s (CV %s), the first ok run\n", b.RunID, visible(b.Name), fmtOpt(b.CVScore))
	default:
		fmt.Fprintln(opts.stdout, "no baseline yet: the first ok run will be it")
	}
	return nil
}

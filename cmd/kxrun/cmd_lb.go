package main

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/report"
)

type lbOptions struct {
	*globals
	Run           string
	Score         float64
	Clear         bool
	lbSyncOptions // its JSON is lb's --json too
}

func newLBCmd(g *globals) *cobra.Command {
	opts := &lbOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "lb RUN SCORE | lb FILE.csv SCORE | lb --sync (--competition C | --from FILE)",
		Short: "Record the public leaderboard score of a run after a submission",
		Long: `Records the public leaderboard score of RUN (an id such as run_012 or 12, or
a unique run name, or a submission file kxrun wrote, found by its sha256)
and recomputes its CV-LB gap. 0.0 is a valid score; --clear removes a score
recorded by mistake. --sync reads the Kaggle CLI's listing of your
submissions and records every scored one (public, and private once the
competition has ended) on the run it came from.`,
		Example: "  kxrun lb run_012 0.8123\n  kxrun lb submissions/run_012.csv 0.8123\n  kxrun lb 12 --clear\n  kxrun lb --sync --competition titanic",
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.Sync {
				return exactArgs(0, "kxrun lb --sync --competition titanic")(cmd, args)
			}
			if opts.Clear {
				return exactArgs(1, "kxrun lb run_012 --clear")(cmd, args)
			}
			return exactArgs(2, "kxrun lb run_012 0.8123")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Sync {
				return runLBSync(cmd.Context(), opts)
			}
			opts.Run = args[0]
			if !opts.Clear {
				s, err := strconv.ParseFloat(args[1], 64)
				if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
					return usagef("kxrun lb run_012 0.8123", "score %q is not a number", args[1])
				}
				opts.Score = s
			}
			return runLB(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Clear, "clear", false, "remove the run's leaderboard score")
	addLBSyncFlags(cmd, &opts.lbSyncOptions)
	return cmd
}

func runLB(ctx context.Context, opts *lbOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	var score *float64
	if !opts.Clear {
		score = &opts.Score
	}
	ref, err := submissionRun(tr, opts.Run)
	if err != nil {
		return err
	}
	row, err := tr.SetLB(ref, score)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.stdout, report.JSONOf(row))
	}
	if score == nil {
		fmt.Fprintf(opts.stdout, "%s %s: leaderboard score cleared\n", row.RunID, visible(row.Name))
	} else {
		fmt.Fprintf(opts.stdout, "%s %s: LB %s, CV %s, CV-LB gap %s\n", row.RunID, visible(row.Name),
			fmtOpt(row.LBScore), fmtOpt(row.CVScore), fmtSigned(row.CVLBGap))
	}
	printSaved(opts.stdout, tr.CSVPath())
	return nil
}

func fmtOpt(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 5, 64)
}

func fmtSigned(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%+.5f", *f)
}

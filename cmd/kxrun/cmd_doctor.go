package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/tracker"
)

type doctorOptions struct {
	*globals
	Fix    bool
	Claims bool
	JSON   bool
}

// errDoctorProblems ends a doctor run that left problems.
var errDoctorProblems = errors.New("the tracker has problems")

func newDoctorCmd(g *globals) *cobra.Command {
	opts := &doctorOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "doctor [--fix [--claims]]",
		Short: "Check the tracker: runs.csv against the details, artifacts against their sha256, leftovers",
		Long: `Checks runs.csv against the details records (the source of truth), every
kept array against its recorded size and sha256, and looks for files left
by interrupted writes. --fix, under the tracker's lock, finishes an
interrupted edit, removes leftovers and rewrites the rows the details
contradict, keeping your own columns, archived flags and rows kxrun cannot
read; every change is listed. It also removes stale claims: those of
processes of this host that have ended, and those of other hosts older
than 24 hours (--claims: all those of other hosts, for when you know their
sweeps are gone). Exit status 1 when problems remain.`,
		Example: "  kxrun doctor\n  kxrun doctor --fix\n  kxrun doctor --fix --claims",
		Args:    exactArgs(0, "kxrun doctor --fix"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Claims && !opts.Fix {
				return usagef("kxrun doctor --fix --claims", "--claims removes claims: it needs --fix")
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "mend what the details prove, and remove leftovers")
	cmd.Flags().BoolVar(&opts.Claims, "claims", false, "with --fix: also remove the claims of other hosts, however young")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as one JSON object")
	return cmd
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	c, err := tr.Doctor(tracker.DoctorOptions{Fix: opts.Fix, Claims: opts.Claims})
	if err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.stdout, c); err != nil {
			return err
		}
	} else {
		for _, f := range c.Fixed {
			fmt.Fprintf(opts.stdout, "fixed    %s\n", visible(label(f.RunID, f.What)))
		}
		fixable := 0
		for _, f := range c.Problems {
			fmt.Fprintf(opts.stdout, "problem  %s\n", visible(label(f.RunID, f.What)))
			if f.Fixable {
				fixable++
			}
		}
		for _, f := range c.Claims {
			fmt.Fprintf(opts.stdout, "note     %s\n", visible(f.What))
		}
		if len(c.Orphans) > 0 {
			fmt.Fprintf(opts.stdout, "note     %d details without a row (commits stopped before their row; their ids stay reserved)\n", len(c.Orphans))
		}
		fmt.Fprintf(opts.stdout, "%d runs checked: %d problem(s), %d fixed\n", c.Runs, len(c.Problems), len(c.Fixed))
		if fixable > 0 {
			fmt.Fprintln(opts.stdout, "kxrun doctor --fix mends those the details prove")
		}
	}
	if len(c.Problems) > 0 {
		return errDoctorProblems
	}
	return nil
}

func label(runID, what string) string {
	if runID == "" {
		return what
	}
	return runID + ": " + what
}

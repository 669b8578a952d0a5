package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

type archiveOptions struct {
	*globals
	Runs    []string
	Archive bool
}

func newArchiveCmd(g *globals, archive bool) *cobra.Command {
	opts := &archiveOptions{globals: g, Archive: archive}
	use, short := "archive RUN...", "Hide runs from reports (nothing is deleted)"
	if !archive {
		use, short = "unarchive RUN...", "Show archived runs in reports again"
	}
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Example: "  kxrun " + use[:len(use)-7] + " run_003 run_004",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("kxrun "+cmd.Name()+" run_003", "%s needs at least one run", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Runs = args
			return runArchive(cmd.Context(), opts)
		},
	}
}

func runArchive(ctx context.Context, opts *archiveOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	rows, err := tr.SetArchived(opts.Runs, opts.Archive)
	if err != nil {
		return err
	}
	verb := "archived"
	if !opts.Archive {
		verb = "unarchived"
	}
	for _, r := range rows {
		fmt.Fprintf(opts.stdout, "%s %s %s\n", verb, r.RunID, visible(r.Name))
	}
	printSaved(opts.stdout, tr.CSVPath())
	return nil
}

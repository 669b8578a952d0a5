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
	runFilter
}

func newArchiveCmd(g *globals, archive bool) *cobra.Command {
	opts := &archiveOptions{globals: g, Archive: archive}
	use, short := "archive RUN...", "Hide runs from reports (nothing is deleted)"
	if !archive {
		use, short = "unarchive RUN...", "Show archived runs in reports again"
	}
	name := use[:len(use)-7]
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: "  kxrun " + name + " run_003 run_004\n  kxrun " + name + " --plan titanic_groups --status failed",
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0 && !opts.runFilter.set():
				return usagef("kxrun "+cmd.Name()+" run_003, or kxrun "+cmd.Name()+" --status failed", "%s needs runs: ids, or --plan/--competition/--status/--variant", cmd.CommandPath())
			case len(args) > 0 && opts.runFilter.set():
				return usagef("kxrun "+cmd.Name()+" run_003", "give run ids or filters, not both")
			}
			return opts.runFilter.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Runs = args
			return runArchive(cmd.Context(), opts)
		},
	}
	opts.runFilter.bind(cmd.Flags())
	return cmd
}

func runArchive(ctx context.Context, opts *archiveOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	if opts.runFilter.set() {
		rows, warnings, err := tr.Runs()
		for _, w := range warnings {
			fmt.Fprintln(opts.stderr, "warning:", w)
		}
		if err != nil {
			return err
		}
		for _, r := range filterRows(rows, opts.runFilter) {
			if r.Archived != opts.Archive {
				opts.Runs = append(opts.Runs, r.RunID)
			}
		}
		if len(opts.Runs) == 0 {
			fmt.Fprintln(opts.stdout, "no run matches: nothing changed")
			return nil
		}
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

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/importer"
)

type importOptions struct {
	*globals
	From string
	JSON bool
}

func newImportCmd(g *globals) *cobra.Command {
	opts := &importOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "import DIR",
		Short: "Import the runs of a Python experiment tracker directory",
		Long: `Imports a directory written by the lightweight Python experiment tracker
(DIR/experiment_log.csv, DIR/details/<run_id>.json and optional
<run_id>_oof.npy / <run_id>_test.npy): scores, LB, features, params, notes and
arrays. Runs imported before are skipped, so importing twice adds nothing.`,
		Example: "  kxrun import ../old-notebook/experiments",
		Args:    exactArgs(1, "kxrun import path/to/python-tracker"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From = args[0]
			return runImport(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print what was imported as JSON")
	return cmd
}

func runImport(ctx context.Context, opts *importOptions) error {
	tr, err := openTracker(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	res, err := importer.ImportPyTracker(tr, opts.From)
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(opts.stderr, "warning:", w)
		}
	}
	if err != nil {
		return withHint(err, "runs imported before the error are kept; fix the source and import again: nothing is imported twice")
	}
	if opts.JSON {
		return writeJSON(opts.stdout, map[string]any{"imported": res.Imported, "skipped": res.Skipped})
	}
	for _, r := range res.Imported {
		fmt.Fprintf(opts.stdout, "imported %s as %s %s: CV %s, LB %s\n", r.ImportedFrom.RunID, r.RunID, r.Name, fmtOpt(r.CVScore), fmtOpt(r.LBScore))
	}
	fmt.Fprintf(opts.stdout, "%d run(s) imported, %d already there\n", len(res.Imported), res.Skipped)
	if len(res.Imported) > 0 {
		printSaved(opts.stdout, tr.CSVPath())
	}
	return nil
}

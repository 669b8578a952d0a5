package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/tracker"
	"github.com/spf13/cobra"
)

type editOptions struct {
	*globals
	Run                     string
	Direction, Notes, Name  string
	setDir, setNotes, setNm bool
}

func newEditCmd(g *globals) *cobra.Command {
	opts := &editOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "edit RUN [--direction D] [--notes TEXT] [--name NAME]",
		Short: "Correct a logged run: its direction, notes or name",
		Long: `Changes a logged run's direction (maximize or minimize), notes or name, in
runs.csv and in its details record together, under the tracker's lock.
A direction that contradicts the run's metric (minimize for auc) is refused.`,
		Example: "  kxrun edit run_012 --direction minimize\n  kxrun edit 12 --notes 'leaky feature' --name lgb_leak",
		Args:    exactArgs(1, "kxrun edit run_012 --notes 'text'"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			f := cmd.Flags()
			opts.setDir, opts.setNotes, opts.setNm = f.Changed("direction"), f.Changed("notes"), f.Changed("name")
			return runEdit(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Direction, "direction", "", "maximize or minimize")
	f.StringVar(&opts.Notes, "notes", "", "the run's notes (replaced)")
	f.StringVar(&opts.Name, "name", "", "the run's name")
	return cmd
}

func runEdit(ctx context.Context, opts *editOptions) error {
	if !opts.setDir && !opts.setNotes && !opts.setNm {
		return usagef("kxrun edit run_012 --direction minimize", "nothing to change: give --direction, --notes or --name")
	}
	dir := plan.Direction(opts.Direction)
	if opts.setDir && dir != plan.Maximize && dir != plan.Minimize {
		return usagef("kxrun edit "+opts.Run+" --direction minimize", "direction must be maximize or minimize, got %q", opts.Direction)
	}
	if opts.setNm && strings.TrimSpace(opts.Name) == "" {
		return usagef("kxrun edit "+opts.Run+" --name lgb_v2", "the name is empty")
	}
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	rows, err := tr.EditRuns([]string{opts.Run}, func(rec *tracker.Record) error {
		if opts.setDir {
			if _, err := plan.ResolveDirection(rec.Metric, dir); err != nil {
				return usagef("leave the direction as it is, or log the run again with the right metric", "%s: %v", rec.RunID, err)
			}
			rec.Direction = string(dir)
		}
		if opts.setNotes {
			rec.Notes = opts.Notes
		}
		if opts.setNm {
			rec.Name = strings.TrimSpace(opts.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r := rows[0]
	fmt.Fprintf(opts.stdout, "%s %s: direction %s, notes %q\n", r.RunID, visible(r.Name), r.Direction, visible(r.Notes))
	printSaved(opts.stdout, tr.CSVPath())
	return nil
}

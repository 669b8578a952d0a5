package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

type showOptions struct {
	*globals
	Run    string
	JSON   bool
	Config bool
}

func newShowCmd(g *globals) *cobra.Command {
	opts := &showOptions{globals: g}
	cmd := &cobra.Command{
		Use:     "show RUN",
		Short:   "Show everything recorded about a run",
		Example: "  kxrun show run_012\n  kxrun show 12 --json\n  kxrun show run_012 --config > again.yaml",
		Args:    exactArgs(1, "kxrun show run_012"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			return runShow(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the run's record as JSON")
	cmd.Flags().BoolVar(&opts.Config, "config", false, "print the run's resolved config: a plan of its variant and seed")
	cmd.MarkFlagsMutuallyExclusive("json", "config")
	return cmd
}

// loadRun finds a run by reference and reads its details.
func loadRun(dir, ref string, g *globals) (*tracker.Tracker, tracker.Row, *tracker.Record, error) {
	tr, rows, err := openRuns(dir, g.stderr)
	if err != nil {
		return nil, tracker.Row{}, nil, err
	}
	row, rec, err := findRun(tr, rows, ref)
	if err != nil {
		return nil, tracker.Row{}, nil, err
	}
	return tr, row, rec, nil
}

// findRun finds a run among rows by reference and reads its details.
func findRun(tr *tracker.Tracker, rows []tracker.Row, ref string) (tracker.Row, *tracker.Record, error) {
	i, err := tracker.Find(rows, ref)
	if err != nil {
		return tracker.Row{}, nil, err
	}
	rec, err := tr.Details(rows[i].RunID)
	if err != nil {
		return tracker.Row{}, nil, err
	}
	return rows[i], rec, nil
}

func runShow(ctx context.Context, opts *showOptions) error {
	tr, row, rec, err := loadRun(opts.Dir, opts.Run, opts.globals)
	if err != nil {
		return err
	}
	if opts.Config {
		cfg, err := resolvedConfig(tr, rec)
		if err != nil {
			return err
		}
		_, err = opts.stdout.Write(cfg)
		return err
	}
	// runs.csv is the authority for what changes after logging.
	rec.LBScore = row.LBScore
	if opts.JSON {
		return writeJSON(opts.stdout, struct {
			*tracker.Record
			Archived bool     `json:"archived"`
			CVLBGap  *float64 `json:"cv_lb_gap"`
		}{rec, row.Archived, row.CVLBGap})
	}
	report.Show(opts.stdout, rec, row, func(p string) string { return displayPath(tr.Resolve(p)) })
	return nil
}

// resolvedConfig is the plan a sweep run was made from, as YAML: kept in
// its record, or in a file of configs/ by older trackers.
func resolvedConfig(tr *tracker.Tracker, rec *tracker.Record) ([]byte, error) {
	switch {
	case rec.ResolvedConfig != "":
		return []byte(rec.ResolvedConfig), nil
	case rec.Config != "":
		data, err := os.ReadFile(tr.ConfigPath(rec))
		if err != nil {
			return nil, fmt.Errorf("config of %s: %w", rec.RunID, err)
		}
		return data, nil
	}
	return nil, usagef("only runs made from a plan (kxrun ablation, seeds or run) have one",
		"%s %s has no resolved config (source: %s)", rec.RunID, rec.Name, rec.Source)
}

type artifactOptions struct {
	*globals
	Kind string
	Run  string
}

// newArtifactCmd makes `kxrun oof RUN` and `kxrun test RUN`.
func newArtifactCmd(g *globals, kind string) *cobra.Command {
	opts := &artifactOptions{globals: g, Kind: kind}
	what := map[string]string{"oof": "out-of-fold", "test": "test"}[kind]
	return &cobra.Command{
		Use:     kind + " RUN",
		Short:   fmt.Sprintf("Print the path of a run's %s predictions (.npy)", what),
		Example: fmt.Sprintf("  kxrun %s run_012\n  python3 -c \"import numpy as np; print(np.load('$(kxrun %s 12)').shape)\"", kind, kind),
		Args:    exactArgs(1, "kxrun "+kind+" run_012"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			return runArtifact(cmd.Context(), opts)
		},
	}
}

func runArtifact(ctx context.Context, opts *artifactOptions) error {
	tr, row, rec, err := loadRun(opts.Dir, opts.Run, opts.globals)
	if err != nil {
		return err
	}
	a := rec.Artifacts[opts.Kind]
	if a == nil {
		return usagef("the trainer must write "+opts.Kind+".npy in $KXRUN_RUN_DIR or name it in its result JSON",
			"%s %s has no %s predictions", row.RunID, row.Name, opts.Kind)
	}
	fmt.Fprintln(opts.stdout, tr.Resolve(a.Path))
	return nil
}

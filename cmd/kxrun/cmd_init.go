package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/tracker"
)

type initOptions struct {
	*globals
	Competition string
}

func newInitCmd(g *globals) *cobra.Command {
	opts := &initOptions{globals: g}
	return &cobra.Command{
		Use:   "init [COMPETITION]",
		Short: "Scaffold kxrun.yaml, an example plan and the tracker directory",
		Long: `Creates kxrun.yaml, plans/groups.yaml (a commented example plan) and the
tracker directory in the current directory. Existing files are never
overwritten.`,
		Example: "  kxrun init titanic",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("kxrun init titanic", "init takes at most one argument, the competition")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Competition = args[0]
			}
			return runInit(cmd.Context(), opts)
		},
	}
}

const settingsTemplate = `# kxrun settings for this directory. Flags and KXRUN_* environment
# variables override them.
dir: %s          # the tracker directory
# jobs: 4        # runs at once (default: the plan's jobs, else the number of CPUs)
`

const planTemplate = `# An ablation plan: kxrun ablation plans/groups.yaml runs every variant
# (all features, all minus each group, base only, base plus each group) for
# every seed, and reports what each feature group is worth.
name: groups
competition: %s
metric: auc                 # a label: your script computes the scores
direction: maximize         # or minimize (for a loss such as rmse or logloss)
model: lgb                  # names the artifact files

# Your training command. kxrun gives it KXRUN_FEATURES (comma-separated),
# KXRUN_SEED, KXRUN_RUN_DIR and KXRUN_SPEC in the environment, and
# {features}, {seed}, {variant}, {run_dir}, {spec} in the arguments.
# It prints {"cv_scores": [...]} as a JSON line, and may save oof.npy and
# test.npy in $KXRUN_RUN_DIR.
command: ["python3", "train.py", "--seed", "{seed}"]
env: {OMP_NUM_THREADS: "1"}
timeout: 30m
seeds: [42, 123, 456]

base_features: [age, fare, sex]
feature_groups:
  family: [sibsp, parch, family_size]
  title: [title]

params: {num_leaves: 31, learning_rate: 0.05}

# Techniques are ablated like groups: when one is on, its params are merged
# over params and its env added; the trainer sees KXRUN_TECHNIQUES.
# techniques:
#   target_enc:
#     params: {encoding: target}
#   pseudo:
#     params: {pseudo_label: {rounds: 2}}
#     env: {USE_PSEUDO: "1"}
`

func runInit(ctx context.Context, opts *initOptions) error {
	competition := opts.Competition
	if competition == "" {
		wd, _ := os.Getwd()
		competition = filepath.Base(wd)
	}
	if strings.ContainsAny(competition, "\n\r\"'") {
		return usagef("kxrun init titanic", "the competition name %q cannot go into YAML as it is", competition)
	}
	var saved []string
	for _, f := range []struct{ path, content string }{
		{"kxrun.yaml", fmt.Sprintf(settingsTemplate, opts.Dir)},
		{filepath.Join("plans", "groups.yaml"), fmt.Sprintf(planTemplate, competition)},
	} {
		created, err := createNew(f.path, f.content)
		if err != nil {
			return err
		}
		if created {
			saved = append(saved, f.path)
		} else {
			fmt.Fprintf(opts.stdout, "kept the existing %s\n", f.path)
		}
	}
	existed := tracker.Exists(opts.Dir)
	tr, err := openTracker(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	if existed {
		fmt.Fprintf(opts.stdout, "kept the existing tracker %s\n", displayPath(tr.Dir))
	} else {
		saved = append(saved, tr.Dir+string(filepath.Separator))
	}
	printSaved(opts.stdout, saved...)
	fmt.Fprintln(opts.stdout, "next: edit plans/groups.yaml, then run: kxrun ablation plans/groups.yaml")
	return nil
}

// createNew writes a file only if it does not exist yet.
func createNew(path, content string) (bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return false, err
	}
	return true, f.Close()
}

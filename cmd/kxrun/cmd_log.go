package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
)

type logOptions struct {
	*globals
	Name        string
	CV          string
	Result      string
	LB          float64
	LBSet       bool
	Features    string
	Params      string
	Model       string
	Metric      string
	Notes       string
	OOF, Test   string
	Target      string
	Folds       string
	Direction   string
	Competition string
	Seed        int64
	SeedSet     bool
	JSON        bool
}

func newLogCmd(g *globals) *cobra.Command {
	opts := &logOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "log --name NAME (--cv SCORES | --result FILE) [flags]",
		Short: "Log a run made outside kxrun (a notebook, a Kaggle kernel)",
		Long: `Logs a run made outside kxrun into the tracker, with the same record, layout
and durability as the runs kxrun makes, and prints how it compares with the
previous run and the baseline.`,
		Example: `  kxrun log --name lgb_target_enc --cv 0.812,0.809,0.815 --features @features.txt --model lgb
  kxrun log --name xgb_v2 --result result.json --oof oof.npy --test test.npy --lb 0.808`,
		Args: exactArgs(0, "kxrun log --name NAME --cv 0.81,0.82"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.LBSet = cmd.Flags().Changed("lb")
			opts.SeedSet = cmd.Flags().Changed("seed")
			return runLog(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Name, "name", "", "a descriptive name for the run (required)")
	f.StringVar(&opts.CV, "cv", "", "per-fold CV scores, comma-separated")
	f.StringVar(&opts.Result, "result", "", "a result JSON file as in the trainer protocol")
	f.Float64Var(&opts.LB, "lb", 0, "public leaderboard score")
	f.StringVar(&opts.Features, "features", "", "features, comma-separated, or @FILE (one per line or comma-separated)")
	f.StringVar(&opts.Params, "params", "", "params: a JSON or YAML file, or inline JSON")
	f.StringVar(&opts.Model, "model", "", "model type, e.g. lgb")
	f.StringVar(&opts.Metric, "metric", "", "metric label, e.g. auc")
	f.StringVar(&opts.Notes, "notes", "", "free text")
	f.StringVar(&opts.OOF, "oof", "", "out-of-fold predictions (.npy), copied into the tracker")
	f.StringVar(&opts.Test, "test", "", "test predictions (.npy), copied into the tracker")
	f.StringVar(&opts.Target, "target", "", "labels of the OOF rows (.npy), kept once by content")
	f.StringVar(&opts.Folds, "folds", "", "the fold index of each OOF row (.npy), kept once by content")
	f.StringVar(&opts.Direction, "direction", "", "maximize or minimize (default: the metric's, e.g. minimize for rmse; else maximize)")
	f.StringVar(&opts.Competition, "competition", "", "competition name")
	f.Int64Var(&opts.Seed, "seed", 0, "the seed the run used")
	f.BoolVar(&opts.JSON, "json", false, "print the logged run as JSON")
	return cmd
}

func runLog(ctx context.Context, opts *logOptions) error {
	m, err := opts.manualRun()
	if err != nil {
		return err
	}
	tr, err := openTracker(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	rec, nb, err := study.LogManual(tr, m)
	if err != nil {
		if ie, ok := err.(*study.InputError); ok {
			return usagef("kxrun log --help", "%v", ie)
		}
		return withHint(err, "check free space and permissions of "+displayPath(tr.Dir)+"; runs logged before this are intact")
	}
	if opts.JSON {
		return writeJSON(opts.stdout, rec)
	}
	line := fmt.Sprintf("logged %s %s: CV %s ± %s", rec.RunID, visible(rec.Name), fmtOpt(rec.CVScore), fmtOpt(rec.CVStd))
	if rec.LBScore != nil {
		line += ", LB " + fmtOpt(rec.LBScore)
	}
	if d := study.DeltaText(rec, nb); d != "" {
		line += " (" + d + ")"
	} else if nb.Baseline == nil {
		line += " (the first ok run: the baseline)"
	}
	fmt.Fprintln(opts.stdout, line)
	saved := []string{tr.CSVPath(), tr.DetailsPath(rec.RunID)}
	for _, kind := range []string{"oof", "test"} {
		if a := rec.Artifacts[kind]; a != nil {
			saved = append(saved, tr.Resolve(a.Path))
		}
	}
	printSaved(opts.stdout, saved...)
	return nil
}

// manualRun turns the flags into a run to log; flags override what a
// --result file says.
func (o *logOptions) manualRun() (study.ManualRun, error) {
	m := study.ManualRun{Name: strings.TrimSpace(o.Name), Model: o.Model, Metric: o.Metric,
		Direction: plan.Direction(o.Direction), Competition: o.Competition, Notes: o.Notes}
	if m.Name == "" {
		return m, usagef("kxrun log --name lgb_baseline --cv 0.81,0.82", "--name is required: a descriptive name for the run")
	}
	if (o.CV == "") == (o.Result == "") {
		return m, usagef("kxrun log --name NAME --cv 0.81,0.82,0.80", "give exactly one of --cv and --result")
	}
	if o.Result != "" {
		data, err := os.ReadFile(o.Result)
		if err != nil {
			return m, usagef("check the path of --result", "%v", err)
		}
		res, err := runner.ParseResult(data)
		if err != nil {
			return m, usagef("the result JSON needs at least {\"cv_scores\": [...]}", "%s: %v", o.Result, err)
		}
		m.CVScores, m.Params, m.Metrics, m.LBScore, m.OOF, m.Test = res.CVScores, res.Params, res.Metrics, res.LBScore, res.OOF, res.Test
		m.Target, m.Folds = res.Target, res.Folds
		if m.Notes == "" {
			m.Notes = res.Notes
		}
	} else {
		for _, part := range strings.Split(o.CV, ",") {
			s, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
			if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
				return m, usagef("--cv 0.81,0.82,0.80", "--cv: %q is not a finite number", strings.TrimSpace(part))
			}
			m.CVScores = append(m.CVScores, s)
		}
	}
	if o.LBSet {
		lb := o.LB
		m.LBScore = &lb
	}
	if o.SeedSet {
		seed := o.Seed
		m.Seed = &seed
	}
	if o.OOF != "" {
		m.OOF = o.OOF
	}
	if o.Test != "" {
		m.Test = o.Test
	}
	m.Target, m.Folds = cmp.Or(o.Target, m.Target), cmp.Or(o.Folds, m.Folds)
	var err error
	if m.Features, err = readFeatures(o.Features); err != nil {
		return m, err
	}
	if o.Params != "" {
		if m.Params, err = readParams(o.Params); err != nil {
			return m, err
		}
	}
	return m, nil
}

// readFeatures takes "a,b,c" or "@file" listing features one per line or
// comma-separated.
func readFeatures(arg string) ([]string, error) {
	if arg == "" {
		return nil, nil
	}
	text := arg
	if path, ok := strings.CutPrefix(arg, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, usagef("--features @features.txt", "--features: %v", err)
		}
		text = string(data)
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if seen[f] {
			return nil, usagef("list each feature once", "--features: %q is listed twice", f)
		}
		seen[f] = true
		out = append(out, f)
	}
	return out, nil
}

// readParams reads params from inline JSON or a JSON or YAML file (YAML is
// a superset of JSON, so one decoder serves both).
func readParams(arg string) (map[string]any, error) {
	data := []byte(arg)
	if !strings.HasPrefix(strings.TrimSpace(arg), "{") {
		var err error
		if data, err = os.ReadFile(arg); err != nil {
			return nil, usagef("--params params.yaml, or --params '{\"lr\": 0.05}'", "--params: %v", err)
		}
	}
	var params map[string]any
	if err := yaml.Unmarshal(data, &params); err != nil {
		return nil, usagef("--params takes a JSON or YAML object", "--params: %v", err)
	}
	return params, nil
}

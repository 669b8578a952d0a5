package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/ensemble"
	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

type ensembleOptions struct {
	*globals
	Runs       []string
	Top        int
	Plan       string
	Method     string
	Weights    string
	Metric     string
	Init       int
	MaxMembers int
	Name       string
	JSON       bool
}

func newEnsembleCmd(g *globals) *cobra.Command {
	opts := &ensembleOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ensemble RUN... | --top N [flags]",
		Short: "Blend runs' OOF and test predictions and log the blend as a run",
		Long: `Blends the out-of-fold and test predictions of runs that share their labels
(hill climbing by default; mean, rank average or an optimiser), scores the
blend in-sample and fold-honestly (weights chosen on the other folds) beside
the best single run, and logs it as a run (model_type ensemble) with its
blended arrays, so that it can be compared, blended again and submitted.`,
		Example: "  kxrun ensemble --top 10\n  kxrun ensemble run_003 run_007 run_012 --method rank\n  kxrun ensemble 3 7 --method mean --weights 0.7,0.3 --metric logloss",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Runs = args
			if (len(args) == 0) == (opts.Top == 0) {
				return usagef("kxrun ensemble run_003 run_007, or kxrun ensemble --top 10", "give runs or --top N (not both)")
			}
			if opts.Top < 0 {
				return usagef("--top 10", "--top must be positive")
			}
			if !slices.Contains(ensemble.Methods, opts.Method) {
				return usagef("--method "+strings.Join(ensemble.Methods, "|"), "unknown method %q", opts.Method)
			}
			if opts.Weights != "" && opts.Method != ensemble.Mean && opts.Method != ensemble.Rank {
				return usagef("--method mean --weights 0.7,0.3", "--weights go with --method mean or rank")
			}
			if opts.MaxMembers < 1 || opts.Init < 1 {
				return usagef("--max-members 50 --init 1", "--max-members and --init must be at least 1")
			}
			return runEnsemble(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Top, "top", 0, "blend the N best ok runs (by CV; blends excluded)")
	f.StringVar(&opts.Plan, "plan", "", "with --top: only runs of this plan")
	f.StringVar(&opts.Method, "method", ensemble.Hill, "hill, mean, rank or optimize")
	f.StringVar(&opts.Weights, "weights", "", "weights of the runs for mean or rank, comma-separated (normalised to sum 1)")
	f.StringVar(&opts.Metric, "metric", "", "the metric to optimise and report (default: the runs' metric)")
	f.IntVar(&opts.Init, "init", 1, "hill: start from the N best runs")
	f.IntVar(&opts.MaxMembers, "max-members", 50, "hill: additions after the start")
	f.StringVar(&opts.Name, "name", "", "name of the logged blend (default ensemble_<method>_<n>)")
	f.BoolVar(&opts.JSON, "json", false, "print the blend as one JSON object on stdout")
	return cmd
}

// ensembleJSON is what --json prints.
type ensembleJSON struct {
	RunID     string `json:"run_id"`
	Name      string `json:"name"`
	Direction string `json:"direction"`
	*tracker.EnsembleInfo
}

func runEnsemble(ctx context.Context, opts *ensembleOptions) error {
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	members, err := selectRuns(rows, opts.Runs, opts.Top, opts.Plan)
	if err != nil {
		return err
	}
	bo := ensemble.Options{Method: opts.Method, Init: opts.Init, MaxMembers: opts.MaxMembers, Seed: 42}
	if opts.Weights != "" {
		if bo.Weights, err = parseWeights(opts.Weights, len(members)); err != nil {
			return err
		}
	}
	in, err := ensemble.Load(tr, members, opts.Metric)
	if err != nil {
		return refused(err)
	}
	res, err := in.Blend(bo)
	if err != nil {
		return refused(err)
	}
	rec, err := in.Log(tr, opts.Name, opts.Method, res)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.stdout, ensembleJSON{RunID: rec.RunID, Name: rec.Name, Direction: rec.Direction, EnsembleInfo: rec.Ensemble})
	}
	report.EnsembleText(opts.stdout, rec, styleFor(opts.stdout))
	fmt.Fprintf(opts.stdout, "logged %s %s (CV %s: the honest fold scores)\n", rec.RunID, rec.Name, fmtOpt(rec.CVScore))
	printSaved(opts.stdout, tr.CSVPath(), tr.DetailsPath(rec.RunID),
		tr.Resolve(rec.Artifacts["oof"].Path), tr.Resolve(rec.Artifacts["test"].Path))
	return nil
}

// refused turns a refusal into a usage error (exit 2): nothing was logged.
func refused(err error) error {
	var re *ensemble.RefusedError
	if errors.As(err, &re) {
		return usagef("kxrun show RUN lists what a run has; docs/ensemble.md says what a blend needs", "%v; nothing was logged", re)
	}
	return err
}

// selectRuns resolves run references, or picks the top N ok runs by CV.
func selectRuns(rows []tracker.Row, refs []string, top int, planName string) ([]tracker.Row, error) {
	if top == 0 {
		out := make([]tracker.Row, 0, len(refs))
		for _, ref := range refs {
			i, err := tracker.Find(rows, ref)
			if err != nil {
				return nil, err
			}
			out = append(out, rows[i])
		}
		return out, nil
	}
	var cands []tracker.Row
	for _, r := range rows {
		if r.Status == "ok" && !r.Archived && r.CVScore != nil && r.ModelType != "ensemble" && (planName == "" || r.Plan == planName) {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		where := ""
		if planName != "" {
			where = " in plan " + planName
		}
		return nil, usagef("kxrun report --all", "no ok runs%s to choose from", where)
	}
	for _, r := range cands[1:] {
		if r.Direction != cands[0].Direction {
			return nil, usagef("--plan P picks runs of one plan", "%s is %s but %s is %s: runs of opposite directions cannot be ranked or blended; nothing was logged", cands[0].RunID, cands[0].Direction, r.RunID, r.Direction)
		}
	}
	sign := plan.Direction(cands[0].Direction).Sign()
	slices.SortStableFunc(cands, func(a, b tracker.Row) int {
		switch da, db := sign**a.CVScore, sign**b.CVScore; {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	return cands[:min(top, len(cands))], nil
}

func parseWeights(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, usagef("one weight per run", "%d weights for %d runs", len(parts), n)
	}
	w := make([]float64, n)
	var sum float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, usagef("--weights 0.7,0.3", "weight %q is not a non-negative number", p)
		}
		w[i] = v
		sum += v
	}
	if sum == 0 {
		return nil, usagef("--weights 0.7,0.3", "the weights sum to 0")
	}
	return w, nil
}

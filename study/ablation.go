package study

import (
	"context"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/stats"
)

// VariantSummary is one line of the ablation table.
type VariantSummary struct {
	Variant   string   `json:"variant"`
	Group     string   `json:"group,omitempty"`
	Reference string   `json:"reference,omitempty"` // what the gain is measured against
	SameAs    string   `json:"same_as,omitempty"`   // its runs are those of this variant
	NFeatures int      `json:"n_features"`
	Runs      int      `json:"runs"`
	RunsOK    int      `json:"runs_ok"`
	CVMean    *float64 `json:"cv_mean"` // mean over seeds of the runs' CV means
	CVStd     *float64 `json:"cv_std"`  // sample std over seeds; null with fewer than 2
	// Gain is the mean over seeds of the same-seed difference with the
	// reference, positive when the group helps; null for all and base.
	Gain      *float64 `json:"gain"`
	GainSeeds int      `json:"gain_seeds"` // seeds where both runs were ok
	RunIDs    []string `json:"run_ids"`
}

// Failure is a run that did not end ok.
type Failure struct {
	RunID   string `json:"run_id"`
	Name    string `json:"name"`
	Variant string `json:"variant"`
	Seed    int64  `json:"seed"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
}

// AblationSummary is what `kxrun ablation` reports.
type AblationSummary struct {
	Plan        string           `json:"plan"`
	PlanFile    string           `json:"plan_file"`
	Competition string           `json:"competition,omitempty"`
	Metric      string           `json:"metric"`
	Direction   string           `json:"direction"`
	Seeds       []int64          `json:"seeds"`
	Variants    []VariantSummary `json:"variants"`
	Total       int              `json:"runs_total"`
	OK          int              `json:"runs_ok"`
	Failed      int              `json:"runs_failed"`
	Cancelled   int              `json:"runs_cancelled"`
	NotStarted  int              `json:"runs_not_started"`
	Cached      int              `json:"runs_cached"` // reused from earlier sweeps
	Fresh       int              `json:"runs_fresh"`  // made by this sweep
	Failures    []Failure        `json:"failures"`
	Started     time.Time        `json:"started"`
	DurationS   float64          `json:"duration_s"`
	Interrupted bool             `json:"interrupted"`
	Tracker     string           `json:"tracker"`
	Report      string           `json:"report,omitempty"`

	Finished []*Finished `json:"-"`
}

// Ablation runs every variant of the plan for every seed and summarises
// what each feature group is worth. The error is a storage failure or
// runner.ErrInterrupted; the summary is filled in either case.
func Ablation(ctx context.Context, opts Options) (*AblationSummary, error) {
	p := opts.Plan
	start := time.Now()
	finished, err := runSweep(ctx, opts, p.Runs())
	sum := Summarize(p, finished)
	sum.Started = start
	sum.DurationS = time.Since(start).Seconds()
	sum.Interrupted = IsInterrupted(err)
	sum.Tracker = opts.Tracker.Dir
	return sum, err
}

// Summarize computes the ablation table from finished runs.
func Summarize(p *plan.Plan, finished []*Finished) *AblationSummary {
	sum := &AblationSummary{
		Plan: p.Name, PlanFile: p.Path, Competition: p.Competition, Metric: p.Metric,
		Direction: string(p.Direction), Seeds: p.Seeds, Finished: finished,
		Failures: []Failure{},
	}
	// scores[variant][seed] of ok runs; ids[variant] of every run.
	scores := map[string]map[int64]float64{}
	ids := map[string][]string{}
	runs := map[string]int{}
	for _, f := range finished {
		sum.Total++
		if f == nil {
			sum.NotStarted++
			continue
		}
		rec := f.Record
		variant, seed := f.variantSeed()
		if f.Cached {
			sum.Cached++
		} else {
			sum.Fresh++
		}
		ids[variant] = append(ids[variant], rec.RunID)
		runs[variant]++
		switch runner.Status(rec.Status) {
		case runner.StatusOK:
			sum.OK++
			if scores[variant] == nil {
				scores[variant] = map[int64]float64{}
			}
			scores[variant][seed] = *rec.CVScore
			continue
		case runner.StatusCancelled:
			sum.Cancelled++
		default:
			sum.Failed++
		}
		sum.Failures = append(sum.Failures, Failure{
			RunID: rec.RunID, Name: rec.Name, Variant: variant, Seed: seed,
			Status: rec.Status, Reason: rec.Reason,
		})
	}
	canon := func(v plan.Variant) string {
		if v.SameAs != "" {
			return v.SameAs
		}
		return v.Name
	}
	variants := p.Variants()
	byName := map[string]plan.Variant{}
	for _, v := range variants {
		byName[v.Name] = v
	}
	for _, v := range variants {
		c := canon(v)
		vs := VariantSummary{
			Variant: v.Name, Group: v.Group, Reference: v.Reference, SameAs: v.SameAs,
			NFeatures: len(v.Features), Runs: runs[c], RunsOK: len(scores[c]), RunIDs: ids[c],
		}
		if vs.RunIDs == nil {
			vs.RunIDs = []string{}
		}
		var means []float64
		for _, seed := range p.Seeds {
			if s, ok := scores[c][seed]; ok {
				means = append(means, s)
			}
		}
		if len(means) > 0 {
			m := stats.Mean(means)
			vs.CVMean = &m
		}
		if len(means) > 1 {
			sd := stats.Std(means, 1)
			vs.CVStd = &sd
		}
		if v.Reference != "" {
			ref := canon(byName[v.Reference])
			var gains []float64
			for _, seed := range p.Seeds {
				s, ok1 := scores[c][seed]
				r, ok2 := scores[ref][seed]
				if ok1 && ok2 {
					gains = append(gains, signedGain(p.Direction, v.Kind, s, r))
				}
			}
			vs.GainSeeds = len(gains)
			if len(gains) > 0 {
				g := stats.Mean(gains)
				vs.Gain = &g
			}
		}
		sum.Variants = append(sum.Variants, vs)
	}
	return sum
}

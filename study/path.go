package study

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kxrun/kxrun/plan"
)

// PathStep is one step of a path ablation: the component turned on, and
// the variant it led to compared with the one before (embedded: its
// Reference is the variant of the step before, its gain that of the step).
type PathStep struct {
	Step  int    `json:"step"` // from 1
	Added string `json:"added"`
	Kind  string `json:"kind"` // "group" or "technique"
	// Share is the part of the total gain, base to all, that the step
	// explains; null without a total gain.
	Share *float64 `json:"share"`
	// Candidates are every component that could have been turned on at
	// this step, with its gain over the variant before; the one chosen is
	// the first with the largest.
	Candidates []PathCandidate `json:"candidates"`
	VariantSummary
}

// PathCandidate is one component tried at a step of the path.
type PathCandidate struct {
	Component string   `json:"component"`
	Kind      string   `json:"kind"`
	Variant   string   `json:"variant"`
	Gain      *float64 `json:"gain"` // seed-paired mean over the variant before; null when no seed pairs
	GainSeeds int      `json:"gain_seeds"`
	Chosen    bool     `json:"chosen"`
	RunIDs    []string `json:"run_ids"`
}

// PathSummary is what `kxrun ablation --path` reports.
type PathSummary struct {
	PlanInfo
	Seeds   []int64 `json:"seeds"`
	Alpha   float64 `json:"alpha"`
	MinGain float64 `json:"min_gain"`
	// Base and All are the two ends of the path; Total is the gain of all
	// over base (seed-paired, with its test), which the steps' gains add
	// up to on the seeds where every run is ok.
	Base  VariantSummary `json:"base"`
	All   VariantSummary `json:"all"`
	Total VariantSummary `json:"total"`
	Steps []PathStep     `json:"steps"`
	// Path is the components in the order the path turned them on.
	Path []string `json:"path"`
	// Complete is false when the path stopped before all: Stopped says why.
	Complete bool   `json:"complete"`
	Stopped  string `json:"stopped,omitempty"`
	SweepInfo

	Finished []*Finished `json:"-"`
}

// PathVariants is the number of variants a full path ablation of k
// components runs besides base: k + (k-1) + ... + 1.
func PathVariants(k int) int { return k * (k + 1) / 2 }

// PathAblation runs Fawcett and Hoos's path ablation from base to all:
// at each step it runs, for every seed, base with the components chosen
// so far plus each remaining one, and keeps the one with the largest
// seed-paired mean gain over the step before, until every group and
// technique is on. Runs an earlier sweep made are reused, as in
// Ablation. The error is a storage failure or runner.ErrInterrupted; the
// summary covers what ran either way.
func PathAblation(ctx context.Context, opts Options) (*PathSummary, error) {
	p := opts.Plan
	start := time.Now()
	var finished []*Finished
	run := func(vs []plan.Variant) error {
		var runs []plan.RunSpec
		for _, v := range vs {
			for _, seed := range p.Seeds {
				runs = append(runs, plan.RunSpec{Variant: v, Seed: seed, Name: plan.RunName(p.Name, v, seed)})
			}
		}
		f, err := runSweep(ctx, opts, runs)
		finished = append(finished, f...)
		return err
	}

	var chosen []plan.Component
	var candidates [][]PathCandidate
	stopped := ""
	err := run([]plan.Variant{p.PathVariant(nil)})
	remaining := p.Components()
	for err == nil && len(remaining) > 0 {
		prev := p.PathVariant(chosen)
		vs := make([]plan.Variant, len(remaining))
		for i, c := range remaining {
			vs[i] = p.PathVariant(append(slices.Clone(chosen), c))
		}
		if err = run(vs); err != nil {
			break
		}
		t := tabulate(&SweepCounts{}, finished)
		cands := make([]PathCandidate, len(remaining))
		best := -1
		for i, c := range remaining {
			var g VariantSummary
			t.compare(p, &g, vs[i].Name, prev.Name, plan.KindPlus)
			cands[i] = PathCandidate{Component: c.Name, Kind: string(c.Kind), Variant: vs[i].Name, Gain: g.Gain, GainSeeds: g.GainSeeds,
				RunIDs: append([]string{}, t.ids[vs[i].Name]...)}
			if g.Gain != nil && (best < 0 || *g.Gain > *cands[best].Gain) {
				best = i
			}
		}
		if best < 0 {
			stopped = fmt.Sprintf("step %d: no candidate has a seed where both it and %s are ok", len(chosen)+1, prev.Name)
			break
		}
		cands[best].Chosen = true
		candidates = append(candidates, cands)
		chosen = append(chosen, remaining[best])
		remaining = slices.Delete(slices.Clone(remaining), best, best+1)
	}
	if err != nil {
		stopped = "interrupted"
		if !IsInterrupted(err) {
			stopped = err.Error()
		}
	}
	sum := summarizePath(p, finished, chosen, candidates, stopped)
	sum.ended(start, err, opts.Tracker.Dir)
	return sum, err
}

func summarizePath(p *plan.Plan, finished []*Finished, chosen []plan.Component, candidates [][]PathCandidate, stopped string) *PathSummary {
	sum := &PathSummary{
		PlanInfo: planInfo(p), Seeds: p.Seeds, Alpha: p.Alpha, MinGain: p.MinGain,
		Finished: finished, SweepInfo: newSweepInfo(), Steps: []PathStep{}, Path: []string{},
	}
	t := tabulate(&sum.SweepCounts, finished)
	sum.Base = t.summary(p, "base", "base")
	sum.All = t.summary(p, "all", "all")
	sum.Total = t.summary(p, "all", "all")
	sum.Total.Reference = "base"
	t.compare(p, &sum.Total, "all", "base", plan.KindPlus)
	sum.Complete = stopped == "" && len(chosen) == len(p.Components())
	sum.Stopped = stopped
	for i, c := range chosen {
		prev, v := p.PathVariant(chosen[:i]), p.PathVariant(chosen[:i+1])
		st := PathStep{Step: i + 1, Added: c.Name, Kind: string(c.Kind), Candidates: candidates[i]}
		st.VariantSummary = t.summary(p, v.Name, v.Name)
		st.NFeatures, st.Techniques, st.Reference = len(v.Features), v.Techniques, prev.Name
		t.compare(p, &st.VariantSummary, v.Name, prev.Name, plan.KindPlus)
		if st.Gain != nil && sum.Total.Gain != nil && *sum.Total.Gain != 0 {
			share := *st.Gain / *sum.Total.Gain
			st.Share = &share
		}
		sum.Steps = append(sum.Steps, st)
		sum.Path = append(sum.Path, c.Name)
	}
	return sum
}

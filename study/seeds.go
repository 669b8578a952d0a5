package study

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
)

// PowerFactor turns min_gain into the default target standard error:
// z(1 - 0.05/2) + z(0.80) = 1.960 + 0.842 ≈ 2.8, so a gain of min_gain is
// detected with 80% power at α = 0.05 when its standard error is
// min_gain / 2.8.
const PowerFactor = 2.8

// RelativeMinGain is the seed study's min_gain, as a share of the score,
// for a plan without min_gain whose score is not a maximised one in
// [0, 1]: a loss or an error, whose scale is the score itself.
const RelativeMinGain = 0.005

// SeedMinGain is the min_gain a seed study's advice aims at, and where it
// comes from: the plan's when the plan sets one ("plan"). Otherwise it
// follows the score's scale: a maximised score whose seeds all lie in
// [0, 1] (AUC, accuracy) gets plan.DefaultMinGain, 0.001 ("default");
// any other (logloss, RMSE, a score in units) RelativeMinGain of the
// magnitude of the seeds' mean score ("0.5% of the score"), so that a
// logloss of 0.45 aims at 0.00225 and an RMSE of 20,000 at 100.
func SeedMinGain(p *plan.Plan, means []float64) (float64, string) {
	if p.MinGainSet {
		return p.MinGain, "plan"
	}
	if len(means) == 0 {
		return plan.DefaultMinGain, "default"
	}
	inUnit := p.Direction != plan.Minimize
	for _, m := range means {
		inUnit = inUnit && m >= 0 && m <= 1
	}
	if g := RelativeMinGain * math.Abs(stats.Mean(means)); !inUnit && g > 0 && !math.IsInf(g, 0) {
		return g, "0.5% of the score"
	}
	return plan.DefaultMinGain, "default"
}

// ChooseSeeds is the deterministic list of n seeds `kxrun seeds --n-seeds`
// runs: the plan's seeds first, in plan order, then seeds drawn from a
// fixed sequence (Go's math/rand/v2 PCG seeded with 1, 2: uniform integers
// in [1, 100000)), skipping any already listed. The same plan and n
// always give the same seeds, and a larger n extends a smaller one.
func ChooseSeeds(planSeeds []int64, n int) []int64 {
	out := make([]int64, 0, n)
	for _, s := range planSeeds {
		if len(out) == n {
			return out
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for len(out) < n {
		s := 1 + rng.Int64N(99999)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// SeedsNeeded is how many seeds to average for the standard error of the
// seed-averaged score, std/√n, to be at most target: ⌈(std/target)²⌉, at
// least 1. A relative slack of 1e-9 keeps a ratio that is an integer up
// to rounding (say (0.002/0.001)² = 4.000000000000001) from counting one
// seed more.
func SeedsNeeded(std, target float64) int {
	if !(target > 0) || math.IsNaN(std) || math.IsInf(std, 0) {
		return 0
	}
	r := std / target
	n := math.Ceil(r * r * (1 - 1e-9))
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return max(1, int(n))
}

// SeedRun is one seed of a seed study.
type SeedRun struct {
	Seed   int64    `json:"seed"`
	RunID  string   `json:"run_id"`
	Status string   `json:"status"`
	Reason string   `json:"reason,omitempty"`
	CVMean *float64 `json:"cv_mean"` // the run's mean fold score
	CVStd  *float64 `json:"cv_std"`  // the population std (ddof 0) of its fold scores
	Folds  int      `json:"folds"`
	Cached bool     `json:"cached"`
}

// SeedSummary is what `kxrun seeds` reports: how much the seed alone moves
// one variant's CV score.
type SeedSummary struct {
	PlanInfo
	Variant string    `json:"variant"`
	Seeds   []int64   `json:"seeds"`
	Runs    []SeedRun `json:"runs"` // in seed order; runs that never started are left out
	// Over the ok runs' CV means, in seed order.
	Mean  *float64 `json:"mean_of_means"`
	Std   *float64 `json:"std_of_means"` // sample std (ddof 1); null with fewer than 2
	Min   *float64 `json:"min"`          // the lowest and highest
	Max   *float64 `json:"max"`          //
	Range *float64 `json:"range"`        // max - min
	SE    *float64 `json:"se"`           // std / √n_ok: the standard error of Mean
	// Warning is set when Std exceeds the plan's seed_std_warn.
	SeedStdWarn float64 `json:"seed_std_warn"`
	Warning     string  `json:"warning,omitempty"`
	// SeedsNeeded is how many seeds bring the standard error of a
	// seed-averaged score under TargetSE (null without Std). TargetSE is
	// --target-se, or MinGain / PowerFactor; MinGainFrom says where
	// MinGain comes from (SeedMinGain).
	MinGain     float64 `json:"min_gain"`
	MinGainFrom string  `json:"min_gain_from"`
	TargetSE    float64 `json:"target_se"`
	SeedsNeeded *int    `json:"seeds_needed"`
	// SweepOutput's Plot is the seed-scores figure beside the report.
	SweepOutput
	// Adaptive is set by AdaptiveSeedStudy.
	Adaptive *SeedsAdaptive `json:"adaptive,omitempty"`

	Finished []*Finished `json:"-"`
}

// SeedStudy runs one variant of the plan for each seed (through the same
// sweep as an ablation: cached runs are reused, every run is committed)
// and summarises how much the score moves with the seed. targetSE is the
// standard error the seeds-needed advice aims at; 0 means SeedMinGain /
// PowerFactor. The error is a storage failure or
// runner.ErrInterrupted, and the summary is filled in either case; or,
// with a nil summary and before anything runs, plan.Plan.Variant's error
// for an unknown variant.
func SeedStudy(ctx context.Context, opts Options, variant string, seeds []int64, targetSE float64) (*SeedSummary, error) {
	runs, err := VariantRuns(opts.Plan, variant, seeds)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	finished, err := runSweep(ctx, opts, runs)
	sum := SummarizeSeeds(opts.Plan, variant, seeds, finished, targetSE)
	sum.ended(start, err, opts.Tracker.Dir)
	return sum, err
}

// SeedReportKind is the kind part of a seed study's report name:
// "seeds" for the variant all, else e.g. "minus_family_seeds".
func SeedReportKind(p *plan.Plan, variant string) string {
	if v, err := p.Variant(variant); err == nil && v.Kind != plan.KindAll {
		return variantSlug(v) + "_seeds"
	}
	return "seeds"
}

func variantSlug(v plan.Variant) string {
	switch v.Kind {
	case plan.KindMinus:
		return "minus_" + v.Group
	case plan.KindPlus:
		return "plus_" + v.Group
	case plan.KindBase:
		return "base"
	}
	return "all"
}

// SummarizeSeeds computes a seed study's figures from finished runs (in
// seed order, nil for runs that never started).
func SummarizeSeeds(p *plan.Plan, variant string, seeds []int64, finished []*Finished, targetSE float64) *SeedSummary {
	sum := &SeedSummary{
		PlanInfo: planInfo(p), Variant: variant, Seeds: seeds,
		Runs: []SeedRun{}, SweepOutput: SweepOutput{SweepInfo: newSweepInfo()}, SeedStdWarn: p.SeedStdWarn,
		Finished: finished,
	}
	var means []float64
	for _, f := range finished {
		ok := sum.count(f)
		if f == nil {
			continue
		}
		rec := f.Record
		_, seed := f.variantSeed()
		sum.Runs = append(sum.Runs, SeedRun{Seed: seed, RunID: rec.RunID, Status: rec.Status, Reason: rec.Reason,
			CVMean: rec.CVScore, CVStd: rec.CVStd, Folds: len(rec.CVScores), Cached: f.Cached})
		if ok {
			means = append(means, *rec.CVScore)
		}
	}
	sum.MinGain, sum.MinGainFrom = SeedMinGain(p, means)
	sum.TargetSE = targetSE
	if targetSE <= 0 {
		sum.TargetSE = sum.MinGain / PowerFactor
	}
	targetSE = sum.TargetSE
	if len(means) == 0 {
		return sum
	}
	m := stats.Mean(means)
	lo, hi := slices.Min(means), slices.Max(means)
	rng := hi - lo
	sum.Mean, sum.Min, sum.Max, sum.Range = &m, &lo, &hi, &rng
	if len(means) < 2 {
		return sum
	}
	sd := stats.Std(means, 1)
	se := sd / math.Sqrt(float64(len(means)))
	need := SeedsNeeded(sd, targetSE)
	sum.Std, sum.SE, sum.SeedsNeeded = &sd, &se, &need
	if sd > p.SeedStdWarn {
		sum.Warning = fmt.Sprintf("the std of the seeds' CV means, %.5f, is above seed_std_warn %g: one seed's score can be off by that much, "+
			"so a single-seed comparison cannot resolve differences of that size; average several seeds per variant "+
			"(list them under seeds: in the plan; averaging %d brings the standard error under %.5f)", sd, p.SeedStdWarn, need, targetSE)
	}
	return sum
}

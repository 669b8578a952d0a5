package study

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/stats"
)

// VariantSummary is one line of the ablation table.
type VariantSummary struct {
	Variant   string `json:"variant"`
	Group     string `json:"group,omitempty"`
	Technique string `json:"technique,omitempty"` // the technique removed or added
	Reference string `json:"reference,omitempty"` // what the gain is measured against
	SameAs    string `json:"same_as,omitempty"`   // its runs are those of this variant
	NFeatures int    `json:"n_features"`
	// Techniques are the techniques on in the variant, in plan order.
	Techniques []string `json:"techniques,omitempty"`
	Runs       int      `json:"runs"`
	RunsOK     int      `json:"runs_ok"`
	CVMean     *float64 `json:"cv_mean"` // mean over seeds of the runs' CV means
	CVStd      *float64 `json:"cv_std"`  // sample std over seeds; null with fewer than 2
	// Gain is the mean over seeds of the same-seed difference with the
	// reference, positive when the group helps; null for all and base.
	Gain      *float64 `json:"gain"`
	GainSeeds int      `json:"gain_seeds"` // seeds where both runs were ok
	// The significance of the gain (see Significance): null, and Test and
	// Verdict empty, when no test could be made; NoTest then says why.
	GainSE  *float64 `json:"gain_se"`
	CILow   *float64 `json:"ci_low"` // confidence interval at 1 - alpha
	CIHigh  *float64 `json:"ci_high"`
	PValue  *float64 `json:"p_value"` // two-sided
	Test    string   `json:"test"`    // TestSeeds, TestFolds or ""
	Verdict string   `json:"verdict"` // VerdictHelps, VerdictHurts, VerdictNoise or ""
	NPairs  int      `json:"n_pairs"` // differences tested: seeds, or folds of the one seed
	NoTest  string   `json:"no_test,omitempty"`
	RunIDs  []string `json:"run_ids"`
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
	PlanInfo
	Seeds    []int64          `json:"seeds"`
	Alpha    float64          `json:"alpha"`    // significance level of verdicts and intervals
	MinGain  float64          `json:"min_gain"` // smallest gain that matters (interaction check)
	Variants []VariantSummary `json:"variants"`
	// Groups are the feature groups and techniques (Kind tells them
	// apart), by leave-one-out gain, best first (see groupSummaries).
	Groups []GroupSummary `json:"groups"`
	// SweepOutput's figure is the gains plot.
	SweepOutput
	// Adaptive is set by an adaptive sweep (AdaptiveAblation).
	Adaptive *AdaptiveSummary `json:"adaptive,omitempty"`

	Finished []*Finished `json:"-"`
}

// SweepCounts say what became of a sweep's runs.
type SweepCounts struct {
	Total      int       `json:"runs_total"`
	OK         int       `json:"runs_ok"`
	Failed     int       `json:"runs_failed"`
	Cancelled  int       `json:"runs_cancelled"`
	NotStarted int       `json:"runs_not_started"`
	Cached     int       `json:"runs_cached"` // reused from earlier sweeps
	Fresh      int       `json:"runs_fresh"`  // made by this sweep
	Failures   []Failure `json:"failures"`
}

// CountRuns counts what became of a sweep's runs.
func CountRuns(finished []*Finished) SweepCounts {
	c := SweepCounts{Failures: []Failure{}}
	for _, f := range finished {
		c.count(f)
	}
	return c
}

// count adds a finished run (nil: one that never started) and reports
// whether it ended ok, with a CV score to use.
func (c *SweepCounts) count(f *Finished) bool {
	c.Total++
	if f == nil {
		c.NotStarted++
		return false
	}
	if f.Cached {
		c.Cached++
	} else {
		c.Fresh++
	}
	rec := f.Record
	switch runner.Status(rec.Status) {
	case runner.StatusOK:
		c.OK++
		return rec.CVScore != nil
	case runner.StatusCancelled:
		c.Cancelled++
	default:
		c.Failed++
	}
	variant, seed := f.variantSeed()
	c.Failures = append(c.Failures, Failure{
		RunID: rec.RunID, Name: rec.Name, Variant: variant, Seed: seed, Status: rec.Status,
		// Shown as "status: reason": without the status twice.
		Reason: strings.TrimPrefix(rec.Reason, rec.Status+": "),
	})
	return false
}

// Ablation runs every variant of the plan for every seed and summarises
// what each feature group is worth. The error is a storage failure or
// runner.ErrInterrupted; the summary is filled in either case.
func Ablation(ctx context.Context, opts Options) (*AblationSummary, error) {
	p := opts.Plan
	start := time.Now()
	finished, err := runSweep(ctx, opts, p.Runs())
	sum := Summarize(p, finished)
	sum.ended(start, err, opts.Tracker.Dir)
	return sum, err
}

// Summarize computes the ablation table from finished runs.
func Summarize(p *plan.Plan, finished []*Finished) *AblationSummary {
	sum := &AblationSummary{
		PlanInfo: planInfo(p), Seeds: p.Seeds, Alpha: p.Alpha, MinGain: p.MinGain,
		Finished: finished, SweepOutput: SweepOutput{SweepInfo: newSweepInfo()}, Groups: []GroupSummary{},
	}
	t := tabulate(&sum.SweepCounts, finished)
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
		vs := t.summary(p, v.Name, canon(v))
		vs.Group, vs.Technique, vs.Reference, vs.SameAs, vs.NFeatures = v.Group, v.Technique, v.Reference, v.SameAs, len(v.Features)
		vs.Techniques = v.Techniques
		if v.Reference != "" {
			t.compare(p, &vs, canon(v), canon(byName[v.Reference]), v.Kind)
		}
		sum.Variants = append(sum.Variants, vs)
	}
	sum.Groups = groupSummaries(p, sum.Variants)
	return sum
}

// scoreTable holds the results of a sweep's runs by variant: the CV
// score and fold scores of ok runs by seed, and the ids of every run.
type scoreTable struct {
	scores map[string]map[int64]float64
	folds  map[string]map[int64][]float64
	ids    map[string][]string
	runs   map[string]int
}

// tabulate counts finished runs into c and tables their results.
func tabulate(c *SweepCounts, finished []*Finished) *scoreTable {
	t := &scoreTable{scores: map[string]map[int64]float64{}, folds: map[string]map[int64][]float64{},
		ids: map[string][]string{}, runs: map[string]int{}}
	for _, f := range finished {
		ok := c.count(f)
		if f == nil {
			continue
		}
		variant, seed := f.variantSeed()
		t.ids[variant] = append(t.ids[variant], f.Record.RunID)
		t.runs[variant]++
		if !ok {
			continue
		}
		if t.scores[variant] == nil {
			t.scores[variant] = map[int64]float64{}
			t.folds[variant] = map[int64][]float64{}
		}
		t.scores[variant][seed] = *f.Record.CVScore
		t.folds[variant][seed] = f.Record.CVScores
	}
	return t
}

// summary is the line of variant name, whose runs are those of canon:
// its runs and CV over the plan's seeds.
func (t *scoreTable) summary(p *plan.Plan, name, canon string) VariantSummary {
	// Runs counts those planned, started or not: an interrupted sweep
	// shows 0/3, not 0/0.
	vs := VariantSummary{Variant: name, Runs: max(t.runs[canon], len(p.Seeds)), RunsOK: len(t.scores[canon]), RunIDs: t.ids[canon]}
	if vs.RunIDs == nil {
		vs.RunIDs = []string{}
	}
	var means []float64
	for _, seed := range p.Seeds {
		if s, ok := t.scores[canon][seed]; ok {
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
	return vs
}

// compare fills in vs's gain over ref, seed by seed, and its
// significance; kind says which way round the gain is taken.
func (t *scoreTable) compare(p *plan.Plan, vs *VariantSummary, canon, ref string, kind plan.VariantKind) {
	var gains []float64
	var paired []int64
	for _, seed := range p.Seeds {
		s, ok1 := t.scores[canon][seed]
		r, ok2 := t.scores[ref][seed]
		if ok1 && ok2 {
			gains = append(gains, signedGain(p.Direction, kind, s, r))
			paired = append(paired, seed)
		}
	}
	vs.GainSeeds = len(gains)
	if len(gains) > 0 {
		g := stats.Mean(gains)
		vs.Gain = &g
	}
	var foldGains []float64
	if len(paired) == 1 {
		var err error
		foldGains, err = pairFolds(p.Direction, kind, t.folds[canon][paired[0]], t.folds[ref][paired[0]])
		if err != nil {
			vs.NoTest = err.Error()
		}
	}
	setSignificance(vs, Significance(gains, foldGains, p.Alpha))
}

// Test names, as the summary gives them.
const (
	TestSeeds = "paired t-test over seeds"
	TestFolds = "Nadeau-Bengio corrected t-test over folds"
)

// Verdicts on a gain.
const (
	VerdictHelps = "helps" // significantly positive
	VerdictHurts = "hurts" // significantly negative
	VerdictNoise = "noise" // not significantly different from 0
)

// Sig is the significance of a gain.
type Sig struct {
	Test    string // TestSeeds or TestFolds; "" when no test could be made
	NoTest  string // why not
	Verdict string
	stats.TTest
}

// Significance tests a gain measured on paired runs. seedGains are the
// same-seed differences (signed so that positive helps), one per seed
// where both runs were ok. With 2 or more, a paired t-test over seeds
// decides. With exactly one, foldGains are that seed's fold-by-fold
// differences (when both runs used the same folds), tested with the
// Nadeau-Bengio corrected resampled t-test, taking n_test/n_train =
// 1/(k-1) for k folds, as in k-fold cross-validation with equal folds.
// The verdict is helps or hurts when p < alpha, by the sign of the mean
// gain, and noise otherwise. Identical differences have p = 0 when not 0
// and p = 1 when 0 (see stats.TTest).
func Significance(seedGains, foldGains []float64, alpha float64) Sig {
	var s Sig
	var err error
	switch {
	case len(seedGains) >= 2:
		s.Test = TestSeeds
		s.TTest, err = stats.PairedTTest(seedGains, alpha)
	case len(seedGains) == 0:
		return Sig{NoTest: "no seed where both runs are ok"}
	case len(foldGains) >= 2:
		s.Test = TestFolds
		s.TTest, err = stats.CorrectedTTest(foldGains, stats.KFoldRatio(len(foldGains)), alpha)
	default:
		return Sig{NoTest: "one seed, and fewer than 2 folds to pair"}
	}
	if err != nil {
		return Sig{NoTest: err.Error()}
	}
	switch {
	case s.P >= alpha:
		s.Verdict = VerdictNoise
	case s.Mean > 0:
		s.Verdict = VerdictHelps
	case s.Mean < 0:
		s.Verdict = VerdictHurts
	default:
		s.Verdict = VerdictNoise
	}
	return s
}

// pairFolds pairs the fold scores of two runs of the same seed, which used
// the same folds when they have as many (the trainer splits by seed).
func pairFolds(d plan.Direction, kind plan.VariantKind, score, ref []float64) ([]float64, error) {
	if len(score) != len(ref) {
		return nil, fmt.Errorf("one seed, and its two runs have %d and %d folds: no fold pairs to test", len(score), len(ref))
	}
	if len(score) < 2 {
		return nil, fmt.Errorf("one seed with %d fold(s): at least 2 paired folds or 2 seeds are needed", len(score))
	}
	out := make([]float64, len(score))
	for i := range score {
		out[i] = signedGain(d, kind, score[i], ref[i])
	}
	return out, nil
}

func setSignificance(vs *VariantSummary, s Sig) {
	if s.Test == "" {
		if vs.NoTest == "" {
			vs.NoTest = s.NoTest
		}
		return
	}
	vs.NoTest = ""
	vs.Test, vs.Verdict, vs.NPairs = s.Test, s.Verdict, s.N
	vs.GainSE, vs.PValue = finitePtr(s.SE), finitePtr(s.P)
	vs.CILow, vs.CIHigh = finitePtr(s.CILow), finitePtr(s.CIHigh)
}

// finitePtr is nil for NaN and infinities, which JSON cannot hold.
func finitePtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// GroupSummary is what one feature group or technique is worth, both ways.
type GroupSummary struct {
	Group              string       `json:"group"`              // the group's or technique's name
	Kind               string       `json:"kind"`               // "group" or "technique"
	LeaveOneOut        *float64     `json:"leave_one_out_gain"` // all vs -group
	LeaveOneOutVerdict string       `json:"leave_one_out_verdict"`
	Additive           *float64     `json:"additive_gain"` // +group vs base
	AdditiveVerdict    string       `json:"additive_verdict"`
	Interaction        *Interaction `json:"interaction"` // null when the two agree
}

// Interaction flags a group whose leave-one-out and add-to-base gains
// disagree: in sign (when one of them is significant, or both are at
// least min_gain), or in size: they differ by more than min_gain, by more
// than InteractionShare of the larger gain, and significantly: by more
// than q·SE, SE = √(SE_loo² + SE_add²) the standard error of the
// difference (the two comparisons share no runs) and q the two-sided
// critical value of Student's t at alpha with the smaller of the two
// tests' degrees of freedom (without tests only the first two apply).
// The share keeps a strong group whose two gains differ by a few percent,
// which is common and harmless, from being flagged; q keeps noise from
// being flagged more often than alpha.
type Interaction struct {
	// Kind is "redundant" when the group adds more to base than it is worth
	// in all (another group carries the same information), "synergy" when
	// it is worth more in all than added to base (it helps only together
	// with another group).
	Kind         string   `json:"kind"`
	Reason       string   `json:"reason"`     // "sign" or "size"
	Difference   float64  `json:"difference"` // additive - leave-one-out
	DifferenceSE *float64 `json:"difference_se"`
	Threshold    float64  `json:"threshold,omitempty"` // for "size": the difference that counts
	Message      string   `json:"message"`
}

// InteractionShare is the part of a group's larger gain by which its two
// gains must differ to count as an interaction.
const InteractionShare = 0.25

// Interaction kinds.
const (
	InteractionRedundant = "redundant"
	InteractionSynergy   = "synergy"
)

func groupSummaries(p *plan.Plan, variants []VariantSummary) []GroupSummary {
	byName := map[string]*VariantSummary{}
	for i := range variants {
		byName[variants[i].Variant] = &variants[i]
	}
	out := []GroupSummary{}
	other, others := "another group", "the other groups"
	if len(p.Techniques) > 0 {
		other, others = "another group or technique", "the other groups and techniques"
	}
	for _, g := range p.Components() {
		gs := GroupSummary{Group: g.Name, Kind: string(g.Kind)}
		loo, add := byName["-"+g.Name], byName["+"+g.Name]
		if loo != nil {
			gs.LeaveOneOut, gs.LeaveOneOutVerdict = loo.Gain, loo.Verdict
		}
		if add != nil {
			gs.Additive, gs.AdditiveVerdict = add.Gain, add.Verdict
		}
		if loo != nil && add != nil {
			gs.Interaction = interactionOf(g.Name, other, others, loo, add, p.MinGain, p.Alpha)
		}
		out = append(out, gs)
	}
	slices.SortStableFunc(out, func(a, b GroupSummary) int {
		ka, kb := sortKey(a), sortKey(b)
		if ka.has != kb.has {
			if ka.has < kb.has {
				return 1
			}
			return -1
		}
		return cmp.Compare(kb.gain, ka.gain)
	})
	return out
}

type groupKey struct {
	has  int // 2: leave-one-out gain, 1: only additive, 0: none
	gain float64
}

func sortKey(g GroupSummary) groupKey {
	switch {
	case g.LeaveOneOut != nil:
		return groupKey{2, *g.LeaveOneOut}
	case g.Additive != nil:
		return groupKey{1, *g.Additive}
	}
	return groupKey{}
}

// interactionOf compares a component's two gains; other and others name
// what it can interact with in messages ("another group", "the other
// groups").
func interactionOf(group, other, others string, loo, add *VariantSummary, minGain, alpha float64) *Interaction {
	if loo.Gain == nil || add.Gain == nil {
		return nil
	}
	l, a := *loo.Gain, *add.Gain
	in := &Interaction{Difference: a - l}
	threshold := max(minGain, InteractionShare*max(math.Abs(l), math.Abs(a)))
	if loo.GainSE != nil && add.GainSE != nil {
		se := math.Hypot(*loo.GainSE, *add.GainSE)
		in.DifferenceSE = &se
		if q := stats.TCritical(float64(min(loo.NPairs, add.NPairs)-1), alpha); !math.IsNaN(q) {
			threshold = max(threshold, q*se)
		}
	}
	significant := func(v *VariantSummary) bool { return v.Verdict == VerdictHelps || v.Verdict == VerdictHurts }
	switch {
	case l*a < 0 && (significant(loo) || significant(add) || math.Abs(l) >= minGain && math.Abs(a) >= minGain):
		in.Reason = "sign"
	case math.Abs(in.Difference) > threshold:
		in.Reason = "size"
		in.Threshold = threshold
	default:
		return nil
	}
	if a > l {
		in.Kind = InteractionRedundant
		in.Message = fmt.Sprintf("%s adds %s on its own but is worth %s once %s are in: redundant with %s", group, fmtGain(a), fmtGain(l), others, other)
	} else {
		in.Kind = InteractionSynergy
		in.Message = fmt.Sprintf("%s is worth %s once %s are in but adds %s on its own: helps only together with %s", group, fmtGain(l), others, fmtGain(a), other)
	}
	return in
}

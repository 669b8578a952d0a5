package study

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/stats"
)

// AdaptiveOptions are what an adaptive sweep adds to a sweep's options.
type AdaptiveOptions struct {
	// Deadline, when not zero, is when the last run must have ended: no
	// run starts that the durations so far say cannot end before it.
	Deadline time.Time
}

// TestSequential names the test of an adaptive sweep's comparisons.
const TestSequential = "group-sequential paired t-test over seeds"

// VerdictNegligible is a gain whose interval at a look lies inside
// [-min_gain, +min_gain]: whatever it is, it is too small to matter.
const VerdictNegligible = "negligible"

// AdaptiveSummary is what an adaptive sweep adds to an ablation summary:
// the rule, the looks and what became of every comparison.
type AdaptiveSummary struct {
	Rule      string    `json:"rule"`
	MinSeeds  int       `json:"min_seeds"`
	MaxSeeds  int       `json:"max_seeds"`
	Looks     []int     `json:"looks"`      // seeds at each look
	LookAlpha float64   `json:"look_alpha"` // alpha / len(looks): each look's level
	LooksDone int       `json:"looks_done"` // looks reached
	Deadline  time.Time `json:"deadline,omitzero"`
	// Stopped says why the sweep ended: every comparison settled, max_seeds
	// reached, the deadline, or an interruption.
	Stopped     string               `json:"stopped"`
	Comparisons []AdaptiveComparison `json:"comparisons"`
	// RunsFixed is how many runs the fixed sweep of every variant over
	// max_seeds seeds makes; Total in the summary is what this one made.
	RunsFixed int `json:"runs_fixed"`
}

// AdaptiveComparison is what an adaptive sweep made of one comparison: a
// component's leave-one-out or add-one gain.
type AdaptiveComparison struct {
	Comparison
	// Verdict is helps, hurts or negligible once settled; noise when the
	// comparison was still open at the end.
	Verdict string `json:"verdict"`
	Settled bool   `json:"settled"`
	// SettledLook is the look (from 1) at which it settled, 0 when open;
	// SettledSeeds the seeds of that look.
	SettledLook  int `json:"settled_look"`
	SettledSeeds int `json:"settled_seeds"`
	// Seeds is the number of seeds its last test paired.
	Seeds int `json:"seeds"`
	// Open says why a comparison that did not settle stayed open.
	Open string `json:"open,omitempty"`
	// SeedsNeeded is, for an open comparison, the seeds a decision would
	// need if its gains kept their mean and spread (stats.SeedsToDecide);
	// null when none up to SeedsNeededLimit would do.
	SeedsNeeded *int `json:"seeds_needed"`
	// Tests are the tests made, one per look reached.
	Tests []LookTest `json:"tests"`
}

// SeedsNeededLimit bounds the search for the seeds a decision needs.
const SeedsNeededLimit = 100000

// LookTest is a comparison's test at one look.
type LookTest struct {
	Look     int      `json:"look"`  // from 1
	Seeds    int      `json:"seeds"` // the look's seeds
	N        int      `json:"n"`     // seeds where both runs were ok
	Mean     float64  `json:"mean"`  // mean gain
	SD       float64  `json:"sd"`    // std of the gains, ddof 1
	SE       float64  `json:"se"`
	T        *float64 `json:"t"` // null when infinite (no spread)
	DF       float64  `json:"df"`
	P        float64  `json:"p"`        // two-sided, of the paired t-test
	Alpha    float64  `json:"alpha"`    // the look's level: p below it rejects zero
	Critical float64  `json:"critical"` // |t| above it rejects zero
	CILow    float64  `json:"ci_low"`   // interval at 1 - alpha
	CIHigh   float64  `json:"ci_high"`  //
	Decision string   `json:"decision"` // helps, hurts, negligible or "" (open)
}

// comparison is an open question and what it needs.
type comparison struct {
	*AdaptiveComparison
	canon, ref string // the variants whose runs stand for the two sides
	kind       plan.VariantKind
	last       *stats.Look // the latest test
}

// adaptiveSweep is the state of an adaptive ablation.
type adaptiveSweep struct {
	ctx      context.Context
	opts     Options
	p        *plan.Plan // with the full seed list
	rule     stats.Sequential
	deadline time.Time
	variants map[string]plan.Variant
	comps    []*comparison
	done     map[refKey]*Finished // every run attempted, by canonical variant and seed
	finished []*Finished
}

// AdaptiveAblation is Ablation in rounds: the plan's seeds, extended by
// ChooseSeeds to max_seeds, are run up to each look of the plan's
// adaptive: settings; at each look every open comparison is tested with
// stats.Sequential on the seeds both of its runs completed, and a
// variant gets no more seeds once every comparison it belongs to has
// settled. Rerunning it reuses every finished run (the runs are
// fingerprinted as in Ablation), so an interrupted sweep continues from
// its last look. The error is a storage failure or runner.ErrInterrupted;
// the summary is filled in either case.
func AdaptiveAblation(ctx context.Context, opts Options, ao AdaptiveOptions) (*AblationSummary, error) {
	start := time.Now()
	a := opts.Plan.AdaptiveSettings()
	pp := *opts.Plan
	pp.Seeds = ChooseSeeds(opts.Plan.Seeds, a.MaxSeeds)
	opts.Plan = &pp
	s := &adaptiveSweep{
		ctx: ctx, opts: opts, p: &pp, deadline: ao.Deadline,
		rule:     stats.Sequential{Alpha: pp.Alpha, Looks: len(a.Looks), MinGain: pp.MinGain},
		variants: map[string]plan.Variant{}, done: map[refKey]*Finished{},
	}
	canon := func(v plan.Variant) string { return cmp.Or(v.SameAs, v.Name) }
	for _, v := range pp.Variants() {
		s.variants[v.Name] = v
	}
	for _, c := range Comparisons(&pp) {
		v, ref := s.variants[c.Variant], s.variants[c.Reference]
		s.comps = append(s.comps, &comparison{
			AdaptiveComparison: &AdaptiveComparison{Comparison: c, Tests: []LookTest{}},
			canon:              canon(v), ref: canon(ref), kind: v.Kind,
		})
	}
	ad := &AdaptiveSummary{
		Rule: fmt.Sprintf("paired t-test over seeds at each of %d looks at level alpha/%d = %.4g (Bonferroni); helps/hurts when p < %.4g, negligible when the %s interval lies inside ±min_gain",
			len(a.Looks), len(a.Looks), s.rule.LookAlpha(), s.rule.LookAlpha(), ciLevelText(s.rule.LookAlpha())),
		MinSeeds: a.MinSeeds, MaxSeeds: a.MaxSeeds, Looks: a.Looks, LookAlpha: s.rule.LookAlpha(),
		Deadline: ao.Deadline, RunsFixed: countCanonical(pp.Variants()) * a.MaxSeeds,
	}
	err := s.run(a.Looks, ad)
	sum := s.summarize(ad)
	sum.ended(start, err, opts.Tracker.Dir)
	return sum, err
}

func countCanonical(vs []plan.Variant) int {
	n := 0
	for _, v := range vs {
		if v.SameAs == "" {
			n++
		}
	}
	return n
}

func ciLevelText(alpha float64) string {
	return fmt.Sprintf("%s%%", trimFloat((1-alpha)*100))
}

func trimFloat(f float64) string {
	return fmt.Sprintf("%.4g", f)
}

// run goes through the looks until every comparison is settled, the
// deadline leaves no room, or the sweep fails.
func (s *adaptiveSweep) run(looks []int, ad *AdaptiveSummary) error {
	ad.Stopped = "max_seeds reached"
	for k, n := range looks {
		if s.open() == 0 {
			ad.Stopped = "every comparison settled"
			return nil
		}
		needed := s.needed(n)
		cut, err := s.runRound(needed)
		if err != nil {
			ad.Stopped = "interrupted"
			if !IsInterrupted(err) {
				ad.Stopped = "stopped by an error: " + err.Error()
			}
			return err
		}
		s.look(k+1, n, cut)
		ad.LooksDone = k + 1
		if len(cut) > 0 {
			ad.Stopped = fmt.Sprintf("deadline %s: %d run(s) for look %d did not fit", s.deadline.Format("2006-01-02 15:04:05"), len(cut), k+1)
			return nil
		}
	}
	if s.open() == 0 {
		ad.Stopped = "every comparison settled"
	}
	return nil
}

func (s *adaptiveSweep) open() int {
	n := 0
	for _, c := range s.comps {
		if !c.Settled {
			n++
		}
	}
	return n
}

// needed lists the runs the open comparisons need for a look at n seeds
// that have not been made, those of the comparisons closest to settling
// first (fewest seeds to decide at their last test), then the
// references, then plan order.
func (s *adaptiveSweep) needed(n int) []plan.RunSpec {
	type want struct {
		spec     plan.RunSpec
		priority int // seeds to decide of the closest comparison that needs it
		ref      bool
		order    int
	}
	byKey := map[refKey]*want{}
	var out []*want
	for _, c := range s.comps {
		if c.Settled {
			continue
		}
		pri := math.MaxInt
		if c.SeedsNeeded != nil {
			pri = *c.SeedsNeeded
		}
		for _, name := range []string{c.canon, c.ref} {
			v := s.variants[name]
			for _, seed := range s.p.Seeds[:n] {
				k := refKey{name, seed}
				if s.done[k] != nil {
					continue
				}
				if w := byKey[k]; w != nil {
					w.priority = min(w.priority, pri)
					continue
				}
				w := &want{spec: plan.RunSpec{Variant: v, Seed: seed, Name: plan.RunName(s.p.Name, v, seed)}, priority: pri,
					ref: v.Kind == plan.KindAll || v.Kind == plan.KindBase, order: len(out)}
				byKey[k] = w
				out = append(out, w)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *want) int {
		if c := cmp.Compare(a.priority, b.priority); c != 0 {
			return c
		}
		if a.ref != b.ref {
			if a.ref {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})
	runs := make([]plan.RunSpec, len(out))
	for i, w := range out {
		runs[i] = w.spec
	}
	return runs
}

// runRound makes the runs, in order, and returns those it did not start
// because the deadline left no room for them.
func (s *adaptiveSweep) runRound(runs []plan.RunSpec) ([]plan.RunSpec, error) {
	for len(runs) > 0 {
		batch, rest := runs, []plan.RunSpec(nil)
		if !s.deadline.IsZero() {
			batch, rest = s.fit(runs)
			if len(batch) == 0 {
				return rest, nil
			}
		}
		finished, err := runSweep(s.ctx, s.opts, batch)
		for i, f := range finished {
			s.finished = append(s.finished, f)
			if f != nil {
				s.done[refKey{batch[i].Variant.Name, batch[i].Seed}] = f
			}
		}
		if err != nil {
			return nil, err
		}
		runs = rest
	}
	return nil, nil
}

// fit splits runs into those that can end before the deadline and the
// rest. Each run is expected to take the mean duration of its variant's
// runs so far (of every run when its variant has none); the runs are
// laid out on the sweep's jobs in order, as the runner starts them, and
// a run that would end after the deadline is left out. With no duration
// known yet, one run per job starts (as long as the deadline has not
// passed), and the next call knows how long they took.
func (s *adaptiveSweep) fit(runs []plan.RunSpec) (batch, rest []plan.RunSpec) {
	left := time.Until(s.deadline).Seconds()
	if left <= 0 {
		return nil, runs
	}
	est, known := s.durations()
	jobs := max(1, s.opts.Jobs)
	if !known {
		n := min(jobs, len(runs))
		return runs[:n], runs[n:]
	}
	fits := layOut(len(runs), func(i int) float64 {
		if d, ok := est[runs[i].Variant.Name]; ok {
			return d
		}
		return est[""]
	}, jobs, left)
	for i, r := range runs {
		if fits[i] {
			batch = append(batch, r)
		} else {
			rest = append(rest, r)
		}
	}
	return batch, rest
}

// layOut lays n runs of the expected durations dur(i) out on jobs in
// order, as the runner starts them, and says which end within left
// seconds.
func layOut(n int, dur func(int) float64, jobs int, left float64) []bool {
	fits := make([]bool, n)
	free := make([]float64, jobs) // when each job is next free, from now
	for i := range n {
		d := dur(i)
		j := slices.Index(free, slices.Min(free))
		if free[j]+d > left {
			continue
		}
		free[j] += d
		fits[i] = true
	}
	return fits
}

// durations are the mean durations of the runs made or reused so far, by
// variant, and over all under "".
func (s *adaptiveSweep) durations() (map[string]float64, bool) {
	sum, n := map[string]float64{}, map[string]int{}
	for k, f := range s.done {
		d := f.Record.DurationS
		sum[k.variant] += d
		n[k.variant]++
		sum[""] += d
		n[""]++
	}
	if n[""] == 0 {
		return nil, false
	}
	est := map[string]float64{}
	for k, v := range sum {
		est[k] = v / float64(n[k])
	}
	return est, true
}

// look tests every open comparison at look k (n seeds) whose runs are all
// done; cut are runs the deadline kept from starting.
func (s *adaptiveSweep) look(k, n int, cut []plan.RunSpec) {
	missing := map[string]int{}
	for _, r := range cut {
		missing[r.Variant.Name]++
	}
	for _, c := range s.comps {
		if c.Settled {
			continue
		}
		if m := missing[c.canon] + missing[c.ref]; m > 0 {
			c.Open = fmt.Sprintf("the deadline left no room for %d of its runs for look %d (%d seeds)", m, k, n)
			continue
		}
		var gains []float64
		for _, seed := range s.p.Seeds[:n] {
			a, okA := s.score(c.canon, seed)
			b, okB := s.score(c.ref, seed)
			if okA && okB {
				gains = append(gains, signedGain(s.p.Direction, c.kind, a, b))
			}
		}
		l, err := s.rule.Test(gains)
		if err != nil {
			c.Open = fmt.Sprintf("at look %d: %d seed(s) where both runs are ok: %v", k, len(gains), err)
			continue
		}
		c.last = &l
		c.Seeds = l.N
		c.Tests = append(c.Tests, LookTest{Look: k, Seeds: n, N: l.N, Mean: l.Mean, SD: l.SD, SE: l.SE, T: finitePtr(l.T), DF: l.DF,
			P: l.P, Alpha: l.Alpha, Critical: l.Critical, CILow: l.CILow, CIHigh: l.CIHigh, Decision: l.Decision})
		if l.Decision != stats.DecideOpen {
			c.Settled, c.SettledLook, c.SettledSeeds, c.Verdict, c.Open, c.SeedsNeeded = true, k, n, l.Decision, "", nil
			continue
		}
		c.Open = fmt.Sprintf("p = %.4g at look %d is not below %g and its interval [%.5f, %.5f] is not inside ±%g", l.P, k, l.Alpha, l.CILow, l.CIHigh, s.p.MinGain)
		if need := s.rule.SeedsToDecide(l.Mean, l.SD, l.N, SeedsNeededLimit); need > 0 {
			c.SeedsNeeded = &need
		} else {
			c.SeedsNeeded = nil
		}
	}
}

// score is the CV score of the ok run of variant for seed.
func (s *adaptiveSweep) score(variant string, seed int64) (float64, bool) {
	f := s.done[refKey{variant, seed}]
	if f == nil || f.Record.Status != string(runner.StatusOK) || f.Record.CVScore == nil {
		return 0, false
	}
	return *f.Record.CVScore, true
}

// summarize is the ablation summary of the runs made, with each
// comparison's gain, test and verdict those of its last look.
func (s *adaptiveSweep) summarize(ad *AdaptiveSummary) *AblationSummary {
	sum := Summarize(s.p, s.finished)
	byVariant := map[string]*comparison{}
	for _, c := range s.comps {
		if !c.Settled {
			c.Verdict = VerdictNoise
		}
		ad.Comparisons = append(ad.Comparisons, *c.AdaptiveComparison)
		byVariant[c.Variant] = c
	}
	for i := range sum.Variants {
		vs := &sum.Variants[i]
		c := byVariant[vs.Variant]
		if c == nil {
			continue
		}
		vs.Verdict = c.Verdict
		if c.last == nil {
			continue
		}
		l := c.last
		vs.Gain, vs.GainSeeds = &l.Mean, l.N
		vs.Test, vs.NPairs, vs.NoTest = TestSequential, l.N, ""
		vs.GainSE, vs.PValue, vs.CILow, vs.CIHigh = finitePtr(l.SE), finitePtr(l.P), finitePtr(l.CILow), finitePtr(l.CIHigh)
	}
	sum.Groups = groupSummaries(s.p, sum.Variants)
	sum.Adaptive = ad
	return sum
}

package study

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/stats"
)

// SeedsAdaptive is what `kxrun seeds --adaptive` adds to a seed study:
// the rounds it ran and why it stopped.
type SeedsAdaptive struct {
	TargetSE float64      `json:"target_se"`
	MinSeeds int          `json:"min_seeds"`
	MaxSeeds int          `json:"max_seeds"`
	Rounds   []SeedsRound `json:"rounds"`
	// Reached is true when the standard error fell to TargetSE or below;
	// Stopped says why the study ended.
	Reached bool   `json:"reached"`
	Stopped string `json:"stopped"`
	// Deadline, when set, is when the last run had to end.
	Deadline time.Time `json:"deadline,omitzero"`
}

// SeedsRound is the state of an adaptive seed study after one round.
type SeedsRound struct {
	Seeds int      `json:"seeds"` // seeds run so far
	OK    int      `json:"ok"`    // of which ok
	Std   *float64 `json:"std"`   // of the ok runs' CV means, ddof 1
	SE    *float64 `json:"se"`    // Std / √OK
}

// AdaptiveSeedStudy is SeedStudy that adds seeds until the standard
// error of the seed-averaged score is at most targetSE (0: SeedMinGain of
// the seeds so far / PowerFactor) or max_seeds are run. It starts with the plan's
// adaptive min_seeds (seeds from ChooseSeeds, as --n-seeds picks them);
// after each round it runs as many seeds as SeedsNeeded says the
// standard deviation so far needs (at least one more, at most max_seeds).
// With a deadline (not zero) it starts no seed that the durations so far
// say cannot end by then, as the adaptive ablation does, and stops when
// none fits.
func AdaptiveSeedStudy(ctx context.Context, opts Options, variant string, targetSE float64, deadline time.Time) (*SeedSummary, error) {
	p := opts.Plan
	if _, err := p.Variant(variant); err != nil {
		return nil, err
	}
	fixedTarget := targetSE > 0
	if !fixedTarget {
		g, _ := SeedMinGain(p, nil)
		targetSE = g / PowerFactor
	}
	a := p.AdaptiveSettings()
	seeds := ChooseSeeds(p.Seeds, a.MaxSeeds)
	ad := &SeedsAdaptive{TargetSE: targetSE, MinSeeds: a.MinSeeds, MaxSeeds: a.MaxSeeds, Rounds: []SeedsRound{}, Deadline: deadline}
	start := time.Now()
	var finished []*Finished
	var means []float64
	var err error
	for n := a.MinSeeds; ; {
		runs, verr := VariantRuns(p, variant, seeds[len(finished):n])
		if verr != nil {
			return nil, verr
		}
		cut := 0
		for len(runs) > 0 && err == nil {
			batch := runs
			if !deadline.IsZero() {
				batch = runs[:fitSeeds(finished, len(runs), opts.Jobs, time.Until(deadline).Seconds())]
			}
			if len(batch) == 0 {
				cut = len(runs)
				break
			}
			var f []*Finished
			f, err = runSweep(ctx, opts, batch)
			finished = append(finished, f...)
			for _, x := range f {
				if x != nil && x.Record.Status == string(runner.StatusOK) && x.Record.CVScore != nil {
					means = append(means, *x.Record.CVScore)
				}
			}
			runs = runs[len(batch):]
		}
		if !fixedTarget {
			// Without min_gain in the plan the target follows the score's
			// scale, known better with every seed.
			g, _ := SeedMinGain(p, means)
			targetSE = g / PowerFactor
			ad.TargetSE = targetSE
		}
		round := SeedsRound{Seeds: len(finished), OK: len(means)}
		var sd float64
		if len(means) >= 2 {
			sd = stats.Std(means, 1)
			se := sd / math.Sqrt(float64(len(means)))
			round.Std, round.SE = &sd, &se
		}
		ad.Rounds = append(ad.Rounds, round)
		switch {
		case err != nil:
			ad.Stopped = "interrupted"
			if !IsInterrupted(err) {
				ad.Stopped = "stopped by an error: " + err.Error()
			}
		case round.SE != nil && *round.SE <= targetSE:
			ad.Reached = true
			ad.Stopped = fmt.Sprintf("the standard error %.6f is at or below the target %g after %d seeds", *round.SE, targetSE, len(finished))
		case cut > 0:
			ad.Stopped = fmt.Sprintf("deadline %s: %d more seed(s) did not fit", deadline.Format("2006-01-02 15:04:05"), cut)
			if round.SE != nil {
				ad.Stopped += fmt.Sprintf(", with the standard error at %.6f, above the target %g", *round.SE, targetSE)
			}
		case n >= a.MaxSeeds:
			ad.Stopped = fmt.Sprintf("max_seeds %d reached", a.MaxSeeds)
			if round.SE != nil {
				ad.Stopped += fmt.Sprintf(" with the standard error at %.6f, above the target %g (about %d seeds would reach it)", *round.SE, targetSE, SeedsNeeded(sd, targetSE))
			}
		default:
			next := n + 1
			if round.Std != nil {
				next = max(next, SeedsNeeded(sd, targetSE)+n-len(means)) // failed seeds count, they do not help
			}
			n = min(next, a.MaxSeeds)
			continue
		}
		break
	}
	used := seeds[:len(finished)]
	sum := SummarizeSeeds(p, variant, used, finished, targetSE)
	sum.Adaptive = ad
	sum.ended(start, err, opts.Tracker.Dir)
	return sum, err
}

// fitSeeds is how many of the next n seeds' runs can end within left
// seconds on jobs, each expected to take the mean duration of the runs so
// far; with none finished yet, one per job (while time is left).
func fitSeeds(finished []*Finished, n, jobs int, left float64) int {
	if left <= 0 {
		return 0
	}
	jobs = max(1, jobs)
	var sum float64
	var k int
	for _, f := range finished {
		if f != nil {
			sum += f.Record.DurationS
			k++
		}
	}
	if k == 0 {
		return min(jobs, n)
	}
	fits := layOut(n, func(int) float64 { return sum / float64(k) }, jobs, left)
	m := 0
	for m < n && fits[m] {
		m++
	}
	return m
}

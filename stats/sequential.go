package stats

import (
	"fmt"
	"math"
)

// Sequential is the group-sequential rule of kxrun's adaptive sweeps: a
// paired t-test over seeds at each of Looks planned looks, each at level
// Alpha/Looks (Bonferroni). A null effect is called significant at some
// look with probability at most the sum of the per-look levels, Alpha,
// whatever the correlation between the looks' statistics, so the
// family-wise rate over all looks together is at most Alpha. Stopping a
// comparison early, as negligible or at a deadline, only removes chances
// to reject and keeps that bound.
//
// A look decides:
//   - helps or hurts when p < Alpha/Looks, by the sign of the mean;
//   - negligible when the 1 - Alpha/Looks confidence interval of the mean
//     lies inside [-MinGain, +MinGain];
//   - nothing (open) otherwise.
type Sequential struct {
	Alpha   float64 // family-wise false helps/hurts rate over all looks
	Looks   int     // planned looks, >= 1
	MinGain float64 // smallest gain that matters, > 0
}

// Decisions at a look.
const (
	DecideHelps      = "helps"
	DecideHurts      = "hurts"
	DecideNegligible = "negligible"
	DecideOpen       = ""
)

// LookAlpha is the level each look tests at: Alpha/Looks.
func (s Sequential) LookAlpha() float64 { return s.Alpha / float64(s.Looks) }

// Look is the test at one look.
type Look struct {
	TTest            // PairedTTest at LookAlpha: CILow, CIHigh at level 1 - LookAlpha
	SD       float64 // std of the gains, ddof 1
	Critical float64 // two-sided critical |t| at LookAlpha with DF degrees of freedom
	Decision string
}

// Test tests the paired gains d (one per seed, positive when the
// component helps) at one look.
func (s Sequential) Test(d []float64) (Look, error) {
	if s.Looks < 1 {
		return Look{}, fmt.Errorf("a sequential test needs at least 1 look, got %d", s.Looks)
	}
	tt, err := PairedTTest(d, s.LookAlpha())
	if err != nil {
		return Look{}, err
	}
	l := Look{TTest: tt, SD: Std(d, 1), Critical: TCritical(tt.DF, s.LookAlpha())}
	l.Decision = s.decide(tt.T, tt.CILow, tt.CIHigh, l.Critical)
	return l, nil
}

// decide is a look's decision from the t statistic, the interval and the
// critical value: |t| > critical is p < LookAlpha, the critical value
// being the t whose two-sided p-value is LookAlpha.
func (s Sequential) decide(t, ciLow, ciHigh, critical float64) string {
	switch {
	case t > critical:
		return DecideHelps
	case t < -critical:
		return DecideHurts
	case ciLow >= -s.MinGain && ciHigh <= s.MinGain:
		return DecideNegligible
	}
	return DecideOpen
}

// SeedsToDecide is the smallest number of seeds, above n, at which a
// look would decide if the gains kept their mean and standard deviation:
// the half-width q·sd/√m of the interval at LookAlpha (q the critical t
// with m - 1 degrees of freedom) falls below |mean| (helps or hurts) or
// to MinGain - |mean| or less (negligible). 0 when no m up to limit does.
// The half-width falls as m grows, so a bisection finds m.
func (s Sequential) SeedsToDecide(mean, sd float64, n, limit int) int {
	if math.IsNaN(mean) || math.IsNaN(sd) || math.IsInf(sd, 0) {
		return 0
	}
	a := math.Abs(mean)
	decides := func(m int) bool {
		half := TCritical(float64(m-1), s.LookAlpha()) * sd / math.Sqrt(float64(m))
		return half < a || half <= s.MinGain-a
	}
	lo := max(n+1, 2)
	if lo > limit || !decides(limit) {
		return 0
	}
	hi := limit
	for lo < hi {
		mid := lo + (hi-lo)/2
		if decides(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

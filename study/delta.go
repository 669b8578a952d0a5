package study

import (
	"fmt"
	"strings"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/tracker"
)

// Delta is how much better a run is than another, positive when better in
// the run's direction. ok is false when the two cannot be compared: one has
// no score, or they are scored differently (metric or direction).
func Delta(rec *tracker.Record, other *tracker.Row) (d float64, ok bool) {
	if rec.CVScore == nil || other == nil || other.CVScore == nil || other.RunID == rec.RunID {
		return 0, false
	}
	if other.Direction != rec.Direction || other.Metric != rec.Metric {
		return 0, false
	}
	return plan.Direction(rec.Direction).Sign() * (*rec.CVScore - *other.CVScore), true
}

// DeltaText says how a run compares with the previous run and the baseline,
// e.g. "vs run_011 +0.00120, vs baseline run_001 +0.01500".
func DeltaText(rec *tracker.Record, nb tracker.Neighbours) string {
	var parts []string
	if d, ok := Delta(rec, nb.Previous); ok {
		parts = append(parts, fmt.Sprintf("vs %s %s", nb.Previous.RunID, fmtGain(d)))
	}
	if d, ok := Delta(rec, nb.Baseline); ok {
		parts = append(parts, fmt.Sprintf("vs baseline %s %s", nb.Baseline.RunID, fmtGain(d)))
	}
	return strings.Join(parts, ", ")
}

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
	} else if why := noBaseline(rec, nb.Baseline); why != "" {
		parts = append(parts, why)
	}
	return strings.Join(parts, ", ")
}

// noBaseline says why a run with a score is not compared with the
// baseline, or "" when there is nothing to say (no baseline yet, or the
// run is the baseline).
func noBaseline(rec *tracker.Record, b *tracker.Row) string {
	if rec.CVScore == nil || b == nil || b.RunID == rec.RunID {
		return ""
	}
	switch {
	case b.CVScore == nil:
		return fmt.Sprintf("not vs baseline %s: it has no CV score", b.RunID)
	case b.Metric != rec.Metric || b.Direction != rec.Direction:
		return fmt.Sprintf("not vs baseline %s: it is scored by %s, this run by %s (kxrun baseline RUN picks another)",
			b.RunID, metricText(b.Metric, b.Direction), metricText(rec.Metric, rec.Direction))
	}
	return ""
}

func metricText(metric, direction string) string {
	if metric == "" {
		metric = "an unnamed metric"
	}
	return metric + " (" + direction + ")"
}

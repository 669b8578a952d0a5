package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// The gains figure's intervals are at the level of the verdicts: 1 -
// alpha, or 1 - the looks' alpha for an adaptive sweep.
func TestGainsFigure(t *testing.T) {
	sum := statsSummary(t)
	fig := GainsFigure(sum)
	if fig.CILevel != 0.95 || len(fig.Groups) != 3 || fig.Groups[0].Group != "family" {
		t.Fatalf("level %v, groups %+v", fig.CILevel, fig.Groups)
	}
	if g := fig.Groups[0].LeaveOneOut; g == nil || !g.HasCI || g.Value != *sum.Variants[1].Gain {
		t.Errorf("family's leave-one-out gain %+v, want %v with its interval", g, *sum.Variants[1].Gain)
	}
	sum.Adaptive = &study.AdaptiveSummary{LookAlpha: 0.0125}
	if fig := GainsFigure(sum); fig.CILevel != 1-0.0125 {
		t.Errorf("adaptive level %v, want %v", fig.CILevel, 1-0.0125)
	}
}

// A seed study's figure shows the ok seeds; with too few, the summary
// says why there is none.
func TestDrawSeedsFigure(t *testing.T) {
	tr, err := tracker.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := statsPlan(t, "[1, 2, 3, 4]")
	runs := []*study.Finished{finishedRun(1, p, "all", 1, 0.8, 0.81), finishedRun(2, p, "all", 2),
		finishedRun(3, p, "all", 3, 0.79, 0.8), finishedRun(4, p, "all", 4, 0.81, 0.82)}
	sum := study.SummarizeSeeds(p, "all", []int64{1, 2, 3, 4}, runs, 0)
	if fig := SeedsFigure(sum); len(fig.Points) != 3 {
		t.Errorf("figure points %v, want the 3 ok seeds", fig.Points)
	}
	DrawSeedsFigure(tr, "2026-11-25_groups_seeds", sum)
	if sum.Plot == nil || sum.PlotNote != "" {
		t.Fatalf("plot %v, note %q", sum.Plot, sum.PlotNote)
	}
	for _, f := range []string{sum.Plot.PNG, sum.Plot.SVG} {
		if _, err := os.Stat(f); err != nil || filepath.Dir(f) != tr.ReportsDir() {
			t.Errorf("figure %s: %v", f, err)
		}
	}

	one := study.SummarizeSeeds(p, "all", []int64{1, 2}, runs[:2], 0)
	DrawSeedsFigure(tr, "2026-11-25_groups_one_seeds", one)
	if one.Plot != nil || one.PlotNote == "" {
		t.Errorf("plot %v, note %q: want no figure and why", one.Plot, one.PlotNote)
	}
}

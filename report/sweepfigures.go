package report

import (
	"errors"
	"fmt"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// GainsFigure is the data of an ablation's gains figure. Its intervals
// are those of the verdicts: at 1 - alpha, or for an adaptive sweep at
// 1 - the looks' alpha.
func GainsFigure(sum *study.AblationSummary) plots.Ablation {
	byName := map[string]study.VariantSummary{}
	for _, v := range sum.Variants {
		byName[v.Variant] = v
	}
	gain := func(name string) *plots.Gain {
		v, ok := byName[name]
		if !ok || v.Gain == nil {
			return nil
		}
		g := &plots.Gain{Value: *v.Gain}
		if v.CILow != nil && v.CIHigh != nil {
			g.HasCI, g.CILow, g.CIHigh = true, *v.CILow, *v.CIHigh
		}
		return g
	}
	fig := plots.Ablation{Plan: sum.Plan, Metric: sum.Metric, CILevel: 1 - sum.Alpha}
	if sum.Adaptive != nil {
		fig.CILevel = 1 - sum.Adaptive.LookAlpha
	}
	for _, g := range sum.Groups {
		label := g.Group
		if g.Kind == string(plan.ComponentTechnique) {
			label += " (technique)"
			fig.Techniques = true
		}
		fig.Groups = append(fig.Groups, plots.GroupGains{Group: label, LeaveOneOut: gain("-" + g.Group), Additive: gain("+" + g.Group)})
	}
	return fig
}

// SeedsFigure is the data of a seed study's figure: the ok runs' scores.
func SeedsFigure(sum *study.SeedSummary) plots.Seeds {
	fig := plots.Seeds{Plan: sum.Plan, Variant: sum.Variant, Metric: sum.Metric}
	for _, r := range sum.Runs {
		if r.Status == string(runner.StatusOK) && r.CVMean != nil {
			fig.Points = append(fig.Points, plots.SeedPoint{Seed: r.Seed, Score: *r.CVMean})
		}
	}
	return fig
}

// DrawAblationFigure draws an ablation's gains figure into the tracker's
// reports as base.png and base.svg, and records in the summary the files
// or why there are none.
func DrawAblationFigure(tr *tracker.Tracker, base string, sum *study.AblationSummary) {
	sum.Plot, sum.PlotNote = drawSweepFigure(tr, base, func(png, svg string) error {
		return plots.AblationGains(GainsFigure(sum), png, svg)
	})
}

// DrawSeedsFigure is DrawAblationFigure for a seed study.
func DrawSeedsFigure(tr *tracker.Tracker, base string, sum *study.SeedSummary) {
	sum.Plot, sum.PlotNote = drawSweepFigure(tr, base, func(png, svg string) error {
		return plots.SeedScores(SeedsFigure(sum), png, svg)
	})
}

// drawSweepFigure draws a sweep's figure. Not drawing it is not an error:
// the note says why (not enough data, or the files could not be written),
// for the report to tell.
func drawSweepFigure(tr *tracker.Tracker, base string, draw func(png, svg string) error) (*study.PlotFiles, string) {
	files := &study.PlotFiles{}
	files.PNG, files.SVG = tr.FigurePaths(base)
	err := draw(files.PNG, files.SVG)
	var nd *plots.NotEnoughDataError
	switch {
	case errors.As(err, &nd):
		return nil, nd.Reason
	case err != nil:
		return nil, fmt.Sprintf("the figure could not be written (%v)", err)
	}
	return files, ""
}

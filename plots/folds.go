package plots

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FoldScores draws one run's fold scores as points joined by a line, with their mean as a
// dashed line; the y axis is zoomed on the scores, which differ little
// compared with their size. It needs one finite score.
func FoldScores(folds []float64, metric, pngPath, svgPath string) error {
	const name = "fold scores"
	if len(folds) == 0 {
		return notEnough(name, "the run has no fold scores")
	}
	if !finite(folds...) {
		return notEnough(name, "a fold score is not a finite number")
	}
	if metric == "" {
		metric = "score"
	}
	lo, hi := minOf(folds), maxOf(folds)
	mean := 0.0
	for _, f := range folds {
		mean += f
	}
	mean /= float64(len(folds))
	p := newPlot(fmt.Sprintf("Fold scores (mean %s)", fmtNum(mean)), "fold", metric)
	span := hi - lo
	if span == 0 {
		span = max(1e-3, 1e-3*abs(hi))
	}
	xys := make(plotter.XYs, len(folds))
	names := make([]string, len(folds))
	for i, f := range folds {
		xys[i] = plotter.XY{X: float64(i), Y: f}
		names[i] = strconv.Itoa(i + 1)
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("%s plot: %w", name, err)
	}
	line.Color = blue
	points.Color = blue
	points.Shape = draw.CircleGlyph{}
	points.Radius = vg.Points(3.5)
	p.Add(line, points)
	p.Legend.Add("fold", line, points)
	p.Add(hline(mean, -0.5, float64(len(folds))-0.5, orange, true))
	p.Legend.Add("mean", hline(mean, 0, 1, orange, true))
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(folds))-0.5
	p.Y.Min, p.Y.Max = lo-0.15*span, hi+0.35*span
	p.Legend.Top = true
	width := max(3.5*vg.Inch, vg.Length(len(folds))*0.45*vg.Inch+1.2*vg.Inch)
	return save(p, width, 2.8*vg.Inch, pngPath, svgPath)
}

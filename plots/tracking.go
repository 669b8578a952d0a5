package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LBPoint is a run with both a CV and a leaderboard score.
type LBPoint struct {
	RunID  string // labels the point when there are few
	CV, LB float64
}

// maxLabels is the number of points up to which run ids are written
// beside them.
const maxLabels = 15

// CVvsLB draws the runs' CV score (x) against their LB score (y), with
// the LB = CV diagonal, and pearson (the caller's correlation of the
// points, NaN for none) in the title. It needs 3 points with finite
// scores.
func CVvsLB(points []LBPoint, pearson float64, pngPath, svgPath string) error {
	const name = "CV vs LB"
	var pts []LBPoint
	for _, pt := range points {
		if finite(pt.CV, pt.LB) {
			pts = append(pts, pt)
		}
	}
	if len(pts) < 3 {
		return notEnough(name, "%d run(s) have both a CV and an LB score; 3 are needed", len(pts))
	}
	r := "n/a"
	if finite(pearson) {
		r = fmt.Sprintf("%.3f", pearson)
	}
	xys := make(plotter.XYs, len(pts))
	labels := make([]string, len(pts))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, pt := range pts {
		xys[i] = plotter.XY{X: pt.CV, Y: pt.LB}
		labels[i] = pt.RunID
		lo, hi = min(lo, pt.CV, pt.LB), max(hi, pt.CV, pt.LB)
	}
	span := hi - lo
	if span == 0 {
		span = max(1e-3, 1e-3*abs(hi))
	}
	lo, hi = lo-0.08*span, hi+0.08*span
	// Both plots show the same scatter.
	sc, err := newScatter(xys, draw.GlyphStyle{Color: blue, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}})
	if err != nil {
		return fmt.Errorf("%s plot: %w", name, err)
	}
	// Each format gets its own plot, so that both are drawn at once.
	build := func() (*plot.Plot, error) {
		p := newPlot(fmt.Sprintf("CV vs LB: Pearson r = %s (%d runs)", r, len(pts)), "CV score", "LB score")
		diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return nil, fmt.Errorf("%s plot: %w", name, err)
		}
		diag.Color = grey
		diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(diag)
		p.Legend.Add("LB = CV", diag)
		p.Add(sc)
		p.Legend.Add("run", sc)
		if len(pts) <= maxLabels {
			lab, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
			if err != nil {
				return nil, fmt.Errorf("%s plot: %w", name, err)
			}
			for i := range lab.TextStyle {
				lab.TextStyle[i].Font.Size = vg.Points(8)
				lab.TextStyle[i].Color = grey
			}
			lab.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(3)}
			p.Add(lab)
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
		p.Legend.Left = true
		p.Legend.XOffs = vg.Points(8)
		return p, nil
	}
	return saveEach(build, 6*vg.Inch, 5*vg.Inch, pngPath, svgPath)
}

// HistoryPoint is an ok run's CV score; Number is its run number (x).
type HistoryPoint struct {
	Number int
	CV     float64
}

// CVHistory draws each run's CV score against its run number, in the
// order given (run order), and the best score so far as a step line:
// the highest for "maximize", the lowest for "minimize". It needs 2 points
// with finite scores.
func CVHistory(points []HistoryPoint, direction string, pngPath, svgPath string) error {
	const name = "CV history"
	pts := make([]HistoryPoint, 0, len(points))
	for _, pt := range points {
		if finite(pt.CV) {
			pts = append(pts, pt)
		}
	}
	if len(pts) < 2 {
		return notEnough(name, "%d ok run(s) have a CV score; 2 are needed", len(pts))
	}
	word := "highest"
	if direction == "minimize" {
		word = "lowest"
	}
	cvs := make([]float64, len(pts))
	for i, pt := range pts {
		cvs[i] = pt.CV
	}
	bests := bestSoFar(cvs, direction)
	xys := make(plotter.XYs, len(pts))
	best := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i] = plotter.XY{X: float64(pt.Number), Y: pt.CV}
		best[i] = plotter.XY{X: float64(pt.Number), Y: bests[i]}
	}
	last := best[len(best)-1]
	// The line's vertices where the best changes draw the same steps.
	best = steps(best)
	lo, hi := minOf(cvs), maxOf(cvs)
	span := hi - lo
	if span == 0 {
		span = max(1e-3, 1e-3*abs(hi))
	}
	nums := make([]float64, len(pts))
	for i, pt := range pts {
		nums[i] = float64(pt.Number)
	}
	xlo, xhi := minOf(nums), maxOf(nums)
	xspan := max(1, xhi-xlo)
	// Both plots show the same scatter.
	sc, err := newScatter(xys, draw.GlyphStyle{Color: blue, Radius: vg.Points(3), Shape: draw.CircleGlyph{}})
	if err != nil {
		return fmt.Errorf("%s plot: %w", name, err)
	}
	// Each format gets its own plot, so that both are drawn at once.
	build := func() (*plot.Plot, error) {
		p := newPlot(fmt.Sprintf("CV history: best %s (%d runs)", fmtNum(last.Y), len(pts)), "run number", "CV score")
		line, err := plotter.NewLine(best)
		if err != nil {
			return nil, fmt.Errorf("%s plot: %w", name, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color = orange
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add("best so far ("+word+")", line)
		p.Add(sc)
		p.Legend.Add("run", sc)
		// The legend goes where the best-so-far line is not heading: at
		// the bottom when maximizing, at the top when minimizing, with
		// room made for it.
		p.Legend.Left = false
		if direction == "minimize" {
			p.Legend.Top = true
			p.Y.Min, p.Y.Max = lo-0.05*span, hi+0.3*span
		} else {
			p.Legend.Top = false
			p.Legend.YOffs = vg.Points(6)
			p.Y.Min, p.Y.Max = lo-0.3*span, hi+0.05*span
		}
		p.X.Min, p.X.Max = xlo-0.03*xspan, xhi+0.03*xspan
		return p, nil
	}
	width := max(6*vg.Inch, min(12*vg.Inch, vg.Length(len(pts))*0.08*vg.Inch+2*vg.Inch))
	return saveEach(build, width, 4*vg.Inch, pngPath, svgPath)
}

// bestSoFar is the running best of ys: the maximum, or the minimum when
// direction is "minimize".
func bestSoFar(ys []float64, direction string) []float64 {
	out := make([]float64, len(ys))
	for i, y := range ys {
		out[i] = y
		if i > 0 && (direction == "minimize" && out[i-1] < y || direction != "minimize" && out[i-1] > y) {
			out[i] = out[i-1]
		}
	}
	return out
}

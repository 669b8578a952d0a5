package plots

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kxrun/kxrun/stats"
)

// SeedPoint is one seed's CV score.
type SeedPoint struct {
	Seed  int64
	Score float64
}

// Seeds is what SeedScores draws.
type Seeds struct {
	Plan, Variant string
	Metric        string // axis label, e.g. "auc"
	Points        []SeedPoint
}

// SeedScores draws each seed's score in the order given, their mean (a
// line) and a band of ±1 sample standard deviation (ddof 1) around it.
func SeedScores(s Seeds, pngPath, svgPath string) error {
	const name = "seed scores"
	var pts []SeedPoint
	for _, pt := range s.Points {
		if finite(pt.Score) {
			pts = append(pts, pt)
		}
	}
	if len(pts) < 2 {
		return notEnough(name, "%d seed(s) have a score; 2 are needed to show a spread", len(pts))
	}
	scores := make([]float64, len(pts))
	names := make([]string, len(pts))
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		scores[i] = pt.Score
		names[i] = strconv.FormatInt(pt.Seed, 10)
		xys[i] = plotter.XY{X: float64(i), Y: pt.Score}
	}
	mean, sd := stats.Mean(scores), stats.Std(scores, 1)
	metric := s.Metric
	if metric == "" {
		metric = "score"
	}
	title := fmt.Sprintf("CV %s by seed", metric)
	if s.Plan != "" {
		title = fmt.Sprintf("%s: %s", s.Plan, title)
	}
	if s.Variant != "" {
		title += " (variant " + s.Variant + ")"
	}
	p := newPlot(title, "seed", "CV "+metric+" (mean over folds)")
	x0, x1 := -0.5, float64(len(pts))-0.5
	poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: mean - sd}, {X: x1, Y: mean - sd}, {X: x1, Y: mean + sd}, {X: x0, Y: mean + sd}})
	if err != nil {
		return fmt.Errorf("%s plot: %w", name, err)
	}
	poly.Color = band
	poly.LineStyle.Width = 0
	p.Add(poly)
	p.Legend.Add(fmt.Sprintf("±1 std (%s)", fmtNum(sd)), poly)
	ml := hline(mean, x0, x1, blue, true)
	p.Add(ml)
	p.Legend.Add(fmt.Sprintf("mean %s", fmtNum(mean)), ml)
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return fmt.Errorf("%s plot: %w", name, err)
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: orange, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
	p.Add(sc)
	p.Legend.Add("seed's CV", sc)
	p.NominalX(names...)
	p.X.Min, p.X.Max = x0, x1
	lo, hi := min(mean-sd, minOf(scores)), max(mean+sd, maxOf(scores))
	span := hi - lo
	if span == 0 {
		span = max(1e-3, 1e-3*abs(mean))
	}
	p.Y.Min, p.Y.Max = lo-0.1*span, hi+0.35*span
	width := max(6*vg.Inch, vg.Length(len(pts))*0.5*vg.Inch+1.5*vg.Inch)
	return save(p, width, 4*vg.Inch, pngPath, svgPath)
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Gain is one measured gain and, when a test could be made, its
// confidence interval.
type Gain struct {
	Value         float64
	HasCI         bool // CILow and CIHigh are set
	CILow, CIHigh float64
}

// GroupGains are the two gains of one feature group; nil when not
// measured.
type GroupGains struct {
	Group       string
	LeaveOneOut *Gain // all vs all minus the group
	Additive    *Gain // base plus the group vs base
}

// Ablation is what AblationGains draws.
type Ablation struct {
	Plan    string
	Metric  string  // axis label, e.g. "auc"
	CILevel float64 // e.g. 0.95, shown in the legend
	Groups  []GroupGains
	// Techniques says that some of Groups are techniques: the labels then
	// name both.
	Techniques bool
}

// AblationGains draws, for each group, its leave-one-out gain and its
// add-to-base gain side by side, with confidence-interval error bars and
// a line at zero (positive = the group helps).
func AblationGains(a Ablation, pngPath, svgPath string) error {
	const name = "ablation gains"
	if len(a.Groups) == 0 {
		return notEnough(name, "the plan has no feature groups and no techniques")
	}
	measured := 0
	for _, g := range a.Groups {
		for _, x := range []*Gain{g.LeaveOneOut, g.Additive} {
			if x != nil && finite(x.Value) {
				measured++
			}
		}
	}
	if measured == 0 {
		return notEnough(name, "no gain could be measured (every comparison lacks an ok pair of runs)")
	}
	n := len(a.Groups)
	width := max(6*vg.Inch, vg.Length(n)*1.1*vg.Inch+1.6*vg.Inch)
	height := 4.5 * vg.Inch
	metric := a.Metric
	if metric == "" {
		metric = "score"
	}
	title, axis, what, minus, plus := "What each feature group is worth", "feature group", "group", "-group", "+group"
	if a.Techniques {
		title, axis, what, minus, plus = "What each feature group and technique is worth", "feature group or technique", "it", "-name", "+name"
	}
	if a.Plan != "" {
		title += " (" + a.Plan + ")"
	}
	p := newPlot(title, axis, "gain in "+metric+" (> 0: the "+what+" helps)")

	// Bars sit at x = i - 0.2 (leave one out) and x = i + 0.2 (add to
	// base); a data unit is about (width - margins)/n long.
	const shift = 0.2
	unit := (width - 1.4*vg.Inch) / vg.Length(n)
	barW := unit * 0.36
	names := make([]string, n)
	series := []struct {
		label string
		pick  func(GroupGains) *Gain
		x     float64
		color color.Color
	}{
		{"leave one out (all vs " + minus + ")", func(g GroupGains) *Gain { return g.LeaveOneOut }, -shift, blue},
		{"add to base (" + plus + " vs base)", func(g GroupGains) *Gain { return g.Additive }, shift, orange},
	}
	var errBars plotter.XYs
	var errs plotter.YErrors
	for _, s := range series {
		vals := make(plotter.Values, n)
		for i, g := range a.Groups {
			names[i] = g.Group
			if x := s.pick(g); x != nil && finite(x.Value) {
				vals[i] = x.Value
				if x.HasCI && finite(x.CILow, x.CIHigh) {
					errBars = append(errBars, plotter.XY{X: float64(i) + s.x, Y: x.Value})
					errs = append(errs, struct{ Low, High float64 }{x.Value - x.CILow, x.CIHigh - x.Value})
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return fmt.Errorf("%s plot: %w", name, err)
		}
		bars.XMin = s.x
		bars.LineStyle.Width = 0
		bars.Color = s.color
		p.Add(bars)
		p.Legend.Add(s.label, bars)
	}
	p.Add(hline(0, -0.6, float64(n)-0.4, grey, false))
	if len(errBars) > 0 {
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{errBars, errs})
		if err != nil {
			return fmt.Errorf("%s plot: %w", name, err)
		}
		eb.Width = vg.Points(1.2)
		eb.CapWidth = barW * 0.5
		p.Add(eb)
		level := "confidence interval"
		if a.CILevel > 0 && a.CILevel < 1 {
			level = fmt.Sprintf("%g%% %s", a.CILevel*100, level)
		}
		p.Legend.Add(level, errorThumb{eb.LineStyle})
	}
	for i, g := range a.Groups {
		if (g.LeaveOneOut == nil || !finite(g.LeaveOneOut.Value)) && (g.Additive == nil || !finite(g.Additive.Value)) {
			names[i] += "\n(not measured)"
		}
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4
	p.Legend.Left = false
	padY(p)
	return save(p, width, height, pngPath, svgPath)
}

// padY leaves room above and below the data (for the legend and the
// error bars' caps) and keeps zero in view.
func padY(p *plot.Plot) {
	lo, hi := min(p.Y.Min, 0), max(p.Y.Max, 0)
	span := hi - lo
	if span == 0 {
		span = 1
	}
	p.Y.Min, p.Y.Max = lo-0.08*span, hi+0.3*span
}

// errorThumb shows error bars in the legend: a vertical line.
type errorThumb struct{ draw.LineStyle }

func (t errorThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(t.LineStyle, x, c.Min.Y, x, c.Max.Y)
}

package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// corrGrid shows matrix m with its first row on top.
type corrGrid struct{ m [][]float64 }

func (g corrGrid) Dims() (c, r int) { return len(g.m), len(g.m) }
func (g corrGrid) Z(c, r int) float64 {
	if v := g.m[len(g.m)-1-r][c]; !math.IsNaN(v) {
		return v
	}
	return -2 // undefined (a constant array): drawn as the underflow colour
}
func (g corrGrid) X(c int) float64 { return float64(c) }
func (g corrGrid) Y(r int) float64 { return float64(r) }

// OOFCorrelation draws a correlation matrix as a heat map from -1 (blue)
// to 1 (red), each cell labelled with its value and the runs named on the
// axes.
func OOFCorrelation(labels []string, m [][]float64, title, pngPath, svgPath string) error {
	n := len(labels)
	if n < 2 {
		return notEnough("OOF correlation", "%d run(s); 2 are needed for a correlation", n)
	}
	build := func() (*plot.Plot, error) {
		cm := moreland.SmoothBlueRed()
		cm.SetMin(-1)
		cm.SetMax(1)
		h := plotter.NewHeatMap(corrGrid{m}, cm.Palette(255))
		h.Min, h.Max = -1, 1
		h.Underflow = color.Gray{Y: 0xcc}
		p := plot.New()
		p.Title.Text = title
		p.Title.TextStyle.Font.Size = vg.Points(13)
		p.Add(h)
		var xy plotter.XYLabels
		for r := range n {
			for c := range n {
				xy.XYs = append(xy.XYs, plotter.XY{X: float64(c), Y: float64(n - 1 - r)})
				label := "—"
				if !math.IsNaN(m[r][c]) {
					label = fmt.Sprintf("%.2f", m[r][c])
				}
				xy.Labels = append(xy.Labels, label)
			}
		}
		lab, err := plotter.NewLabels(xy)
		if err != nil {
			return nil, err
		}
		for i := range lab.TextStyle {
			lab.TextStyle[i].Font.Size = vg.Points(max(6, 11-float64(n)/4))
			lab.TextStyle[i].Color = color.Black
			lab.TextStyle[i].XAlign, lab.TextStyle[i].YAlign = -0.5, -0.5
		}
		p.Add(lab)
		xt, yt := make([]plot.Tick, n), make([]plot.Tick, n)
		for i, l := range labels {
			xt[i] = plot.Tick{Value: float64(i), Label: l}
			yt[i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
		}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
		p.X.Tick.Label.Rotation = 0.8
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5, -0.5, float64(n)-0.5
		return p, nil
	}
	side := vg.Points(float64(160 + 45*n))
	return saveEach(build, side+vg.Points(60), side, pngPath, svgPath)
}

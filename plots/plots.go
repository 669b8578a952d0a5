package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// NotEnoughDataError says why a figure was not drawn.
type NotEnoughDataError struct {
	Plot   string // "ablation gains", "seed scores", "CV vs LB", "CV history"
	Reason string // e.g. "2 run(s) have both a CV and an LB score; 3 are needed"
}

func (e *NotEnoughDataError) Error() string {
	return fmt.Sprintf("no %s plot: %s", e.Plot, e.Reason)
}

func notEnough(plot, format string, args ...any) error {
	return &NotEnoughDataError{Plot: plot, Reason: fmt.Sprintf(format, args...)}
}

// pngDPI makes PNGs sharp enough to read on a high-density screen.
const pngDPI = 120

// Colours, chosen to stay distinct for colour-blind readers.
var (
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	grey   = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	band   = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x38}
)

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// newPlot is a plot with kxrun's text sizes and a light grid.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(11)
		a.Tick.Label.Font.Size = vg.Points(10)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Top = true
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), -vg.Points(4)
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = color.Gray{Y: 0xdd}
	p.Add(grid)
	return p
}

// hline is a horizontal line across [x0, x1].
func hline(y, x0, x1 float64, c color.Color, dashed bool) *plotter.Line {
	l, _ := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}}) // finite by construction
	l.Color = c
	l.Width = vg.Points(1)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return l
}

// save writes the plot as PNG and SVG; an empty path skips that format.
func save(p *plot.Plot, w, h vg.Length, pngPath, svgPath string) error {
	if pngPath != "" {
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
		bg := p.BackgroundColor
		if bg != nil && sameColor(bg, color.White) {
			// The canvas is white already: filling it again through the
			// rasteriser is a tenth of drawing a large figure.
			p.BackgroundColor = nil
		}
		p.Draw(draw.New(c))
		p.BackgroundColor = bg
		var b bytes.Buffer
		if err := png.Encode(&b, c.Image()); err != nil {
			return fmt.Errorf("render %s: %w", pngPath, err)
		}
		if err := writeAtomic(pngPath, b.Bytes()); err != nil {
			return err
		}
	}
	if svgPath != "" {
		c := vgsvg.NewWith(vgsvg.UseWH(w, h))
		p.Draw(draw.New(c))
		var b bytes.Buffer
		if _, err := c.WriteTo(&b); err != nil {
			return fmt.Errorf("render %s: %w", svgPath, err)
		}
		if err := writeAtomic(svgPath, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

// saveEach is save for a figure drawn in both formats at once, each from
// its own plot (a plot cannot be drawn from two goroutines: Draw adjusts
// its axes). The PNG's error comes first, as with save.
func saveEach(build func() (*plot.Plot, error), w, h vg.Length, pngPath, svgPath string) error {
	var pngErr, svgErr error
	var wg sync.WaitGroup
	draw := func(png, svg string, err *error) {
		p, e := build()
		if e == nil {
			e = save(p, w, h, png, svg)
		}
		*err = e
	}
	if svgPath != "" {
		wg.Go(func() { draw("", svgPath, &svgErr) })
	}
	if pngPath != "" {
		draw(pngPath, "", &pngErr)
	}
	wg.Wait()
	return errors.Join(pngErr, svgErr)
}

// writeAtomic writes data to path through a synced temporary file in the
// same directory, so that a reader never sees half a figure.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write plot %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// fmtNum formats an axis-sized number compactly.
func fmtNum(x float64) string {
	return fmt.Sprintf("%.5g", x)
}

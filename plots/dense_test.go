package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// history is a long competition's CV scores: slowly rising, noisy, with
// a few outliers.
func history(n int) plotter.XYs {
	rng := rand.New(rand.NewPCG(3, 4))
	xys := make(plotter.XYs, n)
	for i := range xys {
		y := 0.78 + 0.03*(1-math.Exp(-float64(i)/(0.3*float64(n)))) + 0.004*rng.NormFloat64()
		if i%997 == 0 {
			y -= 0.05 * rng.Float64() // a broken run
		}
		xys[i] = plotter.XY{X: float64(i + 1), Y: y}
	}
	return xys
}

var glyph = draw.GlyphStyle{Color: blue, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}

// render draws xys with p (a scatter) into an image w points wide.
func render(t testing.TB, add func(*plot.Plot), w, h vg.Length) *image.RGBA {
	p := plot.New()
	add(p)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		t.Fatalf("image is %T", c.Image())
	}
	return img
}

// TestScatterLooksLikePlotterScatter draws a dense history with every
// glyph (plotter.Scatter) and with the glyphs that can be seen (scatter,
// drawing them through gonum too): the pictures may differ only in the
// anti-aliasing of edge pixels.
func TestScatterLooksLikePlotterScatter(t *testing.T) {
	xys := history(20_000)
	full := render(t, func(p *plot.Plot) {
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			t.Fatal(err)
		}
		sc.GlyphStyle = glyph
		p.Add(sc)
	}, 12*vg.Inch, 4*vg.Inch)
	var drawn int
	culled := render(t, func(p *plot.Plot) {
		sc, err := newScatter(xys, glyph)
		if err != nil {
			t.Fatal(err)
		}
		sc.gonumDiscs = true
		p.Add(sc)
		p.Add(plotFunc(func(c draw.Canvas, plt *plot.Plot) { drawn = countDrawn(c, plt, sc) }))
	}, 12*vg.Inch, 4*vg.Inch)
	differ, maxDiff := pixelDiff(t, full, culled)
	blue := 0
	for i := 0; i < len(full.Pix); i += 4 {
		if full.Pix[i] < 0x80 && full.Pix[i+2] > 0x80 {
			blue++
		}
	}
	t.Logf("%d of %d glyphs drawn; %d of %d pixels differ (of %d blue), by at most %d/255",
		drawn, len(xys), differ, len(full.Pix)/4, blue, maxDiff)
	if drawn > len(xys)/2 {
		t.Errorf("%d of %d glyphs drawn: the dense history should hide most", drawn, len(xys))
	}
	// Only anti-aliased edge pixels may differ: few, and not by much.
	if differ > blue/100 || maxDiff > 64 {
		t.Errorf("%d pixels differ (of %d blue), by up to %d/255", differ, blue, maxDiff)
	}
}

// TestScatterSameGlyphsWhenApart: points that do not overlap are all drawn,
// in order, exactly as plotter.Scatter draws them.
func TestScatterSameGlyphsWhenApart(t *testing.T) {
	xys := plotter.XYs{{X: 1, Y: 0.8}, {X: 2, Y: 0.79}, {X: 3, Y: 0.82}, {X: 5, Y: 0.815}, {X: 6, Y: 0.83}}
	svg := func(add func(*plot.Plot)) []byte {
		p := plot.New()
		add(p)
		c := vgsvg.NewWith(vgsvg.UseWH(6*vg.Inch, 4*vg.Inch))
		p.Draw(draw.New(c))
		var b bytes.Buffer
		if _, err := c.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	want := svg(func(p *plot.Plot) {
		sc, _ := plotter.NewScatter(xys)
		sc.GlyphStyle = glyph
		p.Add(sc)
	})
	got := svg(func(p *plot.Plot) {
		sc, _ := newScatter(xys, glyph)
		p.Add(sc)
	})
	if !bytes.Equal(want, got) {
		t.Error("the SVG differs from plotter.Scatter's")
	}
}

func TestSteps(t *testing.T) {
	in := plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 1}, {X: 3, Y: 2}, {X: 4, Y: 2}, {X: 5, Y: 2}, {X: 6, Y: 3}, {X: 7, Y: 3}}
	want := plotter.XYs{{X: 1, Y: 1}, {X: 3, Y: 2}, {X: 6, Y: 3}, {X: 7, Y: 3}}
	if got := steps(in); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
}

// BenchmarkCVHistory100k draws the CV history of 100,000 runs, PNG and SVG.
func BenchmarkCVHistory100k(b *testing.B) {
	xys := history(100_000)
	pts := make([]HistoryPoint, len(xys))
	for i, p := range xys {
		pts[i] = HistoryPoint{Number: int(p.X), CV: p.Y}
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := CVHistory(pts, "maximize", filepath.Join(dir, "h.png"), filepath.Join(dir, "h.svg")); err != nil {
			b.Fatal(err)
		}
	}
}

type plotFunc func(draw.Canvas, *plot.Plot)

func (f plotFunc) Plot(c draw.Canvas, p *plot.Plot) { f(c, p) }

// countDrawn counts the glyphs scatter draws on c.
func countDrawn(c draw.Canvas, plt *plot.Plot, s *scatter) int {
	trX, trY := plt.Transforms(&c)
	pts := make([]vg.Point, len(s.xys))
	for i, p := range s.xys {
		pts[i] = vg.Point{X: trX(p.X), Y: trY(p.Y)}
	}
	n := 0
	for _, show := range visible(c, pts, s.style.Radius) {
		if show {
			n++
		}
	}
	return n
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

package plots

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// edges tells whether a pixel is on the edge of a disc: its centre within
// 1.25 pixels of a circle (radius r pixels, centres in pixels).
type edges struct {
	r       float64
	buckets map[[2]int][][2]float64 // centres by 16-pixel square
}

func newEdges(r float64, centres [][2]float64) *edges {
	e := &edges{r: r, buckets: map[[2]int][][2]float64{}}
	for _, c := range centres {
		k := [2]int{int(math.Floor(c[0] / 16)), int(math.Floor(c[1] / 16))}
		e.buckets[k] = append(e.buckets[k], c)
	}
	return e
}

func (e *edges) on(x, y int) bool {
	px, py := float64(x)+0.5, float64(y)+0.5
	reach := int(math.Ceil((e.r+2)/16)) + 1
	bx, by := int(math.Floor(px/16)), int(math.Floor(py/16))
	for i := bx - reach; i <= bx+reach; i++ {
		for j := by - reach; j <= by+reach; j++ {
			for _, c := range e.buckets[[2]int{i, j}] {
				if d := math.Hypot(px-c[0], py-c[1]); math.Abs(d-e.r) < 1.25 {
					return true
				}
			}
		}
	}
	return false
}

// compare counts the pixels of got that differ from want, the largest
// difference of a channel (in 1/255), and those that differ though they
// are not on an edge.
func compare(t testing.TB, want, got *image.RGBA, e *edges) (differ, maxDiff, inside int) {
	t.Helper()
	if want.Bounds() != got.Bounds() {
		t.Fatalf("sizes %v and %v", want.Bounds(), got.Bounds())
	}
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			i := want.PixOffset(x, y)
			d := 0
			for k := range 4 {
				d = max(d, absInt(int(want.Pix[i+k])-int(got.Pix[i+k])))
			}
			if d == 0 {
				continue
			}
			differ++
			maxDiff = max(maxDiff, d)
			if !e.on(x, y) {
				inside++
			}
		}
	}
	return differ, maxDiff, inside
}

// drawDiscs draws discs of sty at pts on a canvas with grey lines (so that
// discs are composited over colours too), stamped or filled by gonum, and
// returns the image and the discs' centres in pixels.
func drawDiscs(t testing.TB, sty draw.GlyphStyle, pts []vg.Point, dpi int, stamp bool) (*image.RGBA, [][2]float64) {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(12*vg.Inch, 4*vg.Inch), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	for x := vg.Length(0); x < 12*vg.Inch; x += 10 {
		dc.StrokeLine2(draw.LineStyle{Color: grey, Width: vg.Points(2)}, x, 0, x, 4*vg.Inch)
	}
	st := newStamper(dc, sty)
	if st == nil {
		t.Fatal("no stamper on a raster canvas")
	}
	img := c.Image().(*image.RGBA)
	centres := make([][2]float64, len(pts))
	for i, p := range pts {
		centres[i] = [2]float64{p.X.Dots(c.DPI()), float64(img.Bounds().Dy()) - p.Y.Dots(c.DPI())}
		if !stamp || !st.stamp(p) {
			dc.SetColor(sty.Color)
			sty.Shape.DrawGlyph(&dc, sty, p)
		}
	}
	return img, centres
}

// TestStampIsFill draws the same discs with gonum (a path filled by gg)
// and with a stamper: pixels may differ only on the edges of discs, by a
// few levels (where a disc falls between the positions its masks were
// made for, and where gg rounds its path to 1/64 of a pixel).
func TestStampIsFill(t *testing.T) {
	for _, tc := range []struct {
		name   string
		color  color.Color
		radius vg.Length
		n      int
	}{
		{"history discs, apart", blue, vg.Points(3), 300},
		{"history discs, piled up", blue, vg.Points(3), 5000},
		{"CV vs LB discs", blue, vg.Points(3.5), 2000},
		{"translucent, small", color.NRGBA{R: 200, G: 40, B: 10, A: 0x80}, vg.Points(1.3), 3000},
		{"large", orange, vg.Points(20), 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sty := draw.GlyphStyle{Color: tc.color, Radius: tc.radius, Shape: draw.CircleGlyph{}}
			rng := rand.New(rand.NewPCG(5, uint64(tc.n)))
			pts := make([]vg.Point, tc.n)
			for i := range pts {
				// Some fall partly off the image: gonum draws those.
				pts[i] = vg.Point{X: vg.Length(rng.Float64()*880 - 8), Y: vg.Length(rng.Float64()*300 - 8)}
			}
			want, centres := drawDiscs(t, sty, pts, pngDPI, false)
			got, _ := drawDiscs(t, sty, pts, pngDPI, true)
			differ, maxDiff, inside := compare(t, want, got, newEdges(tc.radius.Dots(pngDPI), centres))
			t.Logf("%d discs: %d of %d pixels differ, by at most %d/255; %d off the edges",
				tc.n, differ, len(want.Pix)/4, maxDiff, inside)
			if maxDiff > 8 || inside > 0 {
				t.Errorf("%d pixels differ by up to %d/255, %d of them off the edges of discs", differ, maxDiff, inside)
			}
		})
	}
}

// TestStampIsFillOnItsGrid: a disc whose centre falls where masks are made
// (here 1/16 of a point at 72 dpi, 1/16 of a pixel) is the one gonum draws,
// to the bit, overlaps and all.
func TestStampIsFillOnItsGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	pts := make([]vg.Point, 3000)
	for i := range pts {
		pts[i] = vg.Point{X: vg.Length(rng.IntN(860*stampSteps)) / stampSteps, Y: vg.Length(rng.IntN(280*stampSteps)) / stampSteps}
	}
	for _, sty := range []draw.GlyphStyle{glyph, {Color: color.NRGBA{R: 200, G: 40, B: 10, A: 0x80}, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}} {
		want, _ := drawDiscs(t, sty, pts, 72, false)
		got, _ := drawDiscs(t, sty, pts, 72, true)
		if differ, maxDiff := pixelDiff(t, want, got); differ > 0 {
			t.Errorf("%v: %d pixels differ, by up to %d/255", sty.Color, differ, maxDiff)
		}
	}
}

// TestScatterStampsWhatGonumDraws draws a dense history's scatter with its
// discs stamped and through gonum: the same discs, and only their edges
// differ, by a few levels.
func TestScatterStampsWhatGonumDraws(t *testing.T) {
	xys := history(20_000)
	var centres [][2]float64
	var r float64
	draw := func(stamp bool) *image.RGBA {
		return render(t, func(p *plot.Plot) {
			sc, err := newScatter(xys, glyph)
			if err != nil {
				t.Fatal(err)
			}
			sc.gonumDiscs = !stamp
			p.Add(sc)
			p.Add(plotFunc(func(c draw.Canvas, plt *plot.Plot) {
				if stamp {
					return
				}
				// The centres of the discs drawn, in pixels.
				vc, _ := rasterCanvas(c.Canvas)
				h := float64(vc.Image().Bounds().Dy())
				trX, trY := plt.Transforms(&c)
				r = glyph.Radius.Dots(vc.DPI())
				pts := make([]vg.Point, len(xys))
				for i, p := range xys {
					pts[i] = vg.Point{X: trX(p.X), Y: trY(p.Y)}
				}
				for i, show := range visible(c, pts, glyph.Radius) {
					if show {
						centres = append(centres, [2]float64{pts[i].X.Dots(vc.DPI()), h - pts[i].Y.Dots(vc.DPI())})
					}
				}
			}))
		}, 12*vg.Inch, 4*vg.Inch)
	}
	want, got := draw(false), draw(true)
	differ, maxDiff, inside := compare(t, want, got, newEdges(r, centres))
	t.Logf("%d of %d pixels differ, by at most %d/255; %d off the edges", differ, len(want.Pix)/4, maxDiff, inside)
	if maxDiff > 8 || inside > 0 {
		t.Errorf("%d pixels differ by up to %d/255, %d of them off the edges of discs", differ, maxDiff, inside)
	}
}

// pixelDiff counts the pixels of a and b that differ and the largest
// difference of a channel, in 1/255.
func pixelDiff(t testing.TB, a, b *image.RGBA) (differ, maxDiff int) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("sizes %v and %v", a.Bounds(), b.Bounds())
	}
	for i := 0; i < len(a.Pix); i += 4 {
		d := 0
		for k := range 4 {
			d = max(d, absInt(int(a.Pix[i+k])-int(b.Pix[i+k])))
		}
		if d > 0 {
			differ++
		}
		maxDiff = max(maxDiff, d)
	}
	return differ, maxDiff
}

package plots

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot/vg"
)

// refCoverage is coverage as it was first written, a bool per cell and
// every cell tested: it defines what coverage must do.
type refCoverage struct {
	min     vg.Point
	cell    float64
	r       float64
	w, h    int
	covered []bool
}

func newRefCoverage(rect vg.Rectangle, radius vg.Length) *refCoverage {
	if radius <= 0 {
		return nil
	}
	c := &refCoverage{min: rect.Min, r: float64(radius), cell: float64(radius) / 4}
	c.w = int(math.Ceil(float64(rect.Max.X-rect.Min.X)/c.cell)) + 1
	c.h = int(math.Ceil(float64(rect.Max.Y-rect.Min.Y)/c.cell)) + 1
	if c.w <= 0 || c.h <= 0 || c.w*c.h > 1<<24 {
		return nil
	}
	c.covered = make([]bool, c.w*c.h)
	return c
}

// add reports whether a disc at pt would show, and if so marks the cells
// it covers.
func (c *refCoverage) add(pt vg.Point) bool {
	x, y := float64(pt.X-c.min.X), float64(pt.Y-c.min.Y)
	// The drawn circle is a Bézier approximation, and rasterised: a margin
	// of 1% of the radius keeps both tests on the safe side.
	outer, inner := c.r*1.01, c.r*0.99
	i0, i1 := int(math.Floor((x-outer)/c.cell)), int(math.Floor((x+outer)/c.cell))
	j0, j1 := int(math.Floor((y-outer)/c.cell)), int(math.Floor((y+outer)/c.cell))
	if i0 < 0 || j0 < 0 || i1 >= c.w || j1 >= c.h {
		c.mark(x, y, inner)
		return true // partly off the grid: draw it
	}
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			if !c.covered[j*c.w+i] && c.touches(i, j, x, y, outer) {
				c.mark(x, y, inner)
				return true
			}
		}
	}
	return false
}

// touches reports whether cell (i, j) comes within r of (x, y).
func (c *refCoverage) touches(i, j int, x, y, r float64) bool {
	cx := math.Max(float64(i)*c.cell, math.Min(x, float64(i+1)*c.cell))
	cy := math.Max(float64(j)*c.cell, math.Min(y, float64(j+1)*c.cell))
	return (cx-x)*(cx-x)+(cy-y)*(cy-y) < r*r
}

// mark records the cells wholly within r of (x, y).
func (c *refCoverage) mark(x, y, r float64) {
	i0, i1 := max(0, int(math.Floor((x-r)/c.cell))), min(c.w-1, int(math.Floor((x+r)/c.cell)))
	j0, j1 := max(0, int(math.Floor((y-r)/c.cell))), min(c.h-1, int(math.Floor((y+r)/c.cell)))
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			// The corner furthest from the centre decides.
			fx := math.Max(math.Abs(float64(i)*c.cell-x), math.Abs(float64(i+1)*c.cell-x))
			fy := math.Max(math.Abs(float64(j)*c.cell-y), math.Abs(float64(j+1)*c.cell-y))
			if fx*fx+fy*fy <= r*r {
				c.covered[j*c.w+i] = true
			}
		}
	}
}

// TestCoverageIsReference: coverage, a bit per cell and rows a word at a
// time, answers every disc as refCoverage does and leaves the same cells
// covered, on dense and sparse clouds, discs partly off the canvas, and
// centres on cell boundaries.
func TestCoverageIsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for round := range 60 {
		rect := vg.Rectangle{Min: vg.Point{X: vg.Length(rng.Float64() * 50), Y: vg.Length(rng.Float64() * 50)}}
		rect.Max = vg.Point{X: rect.Min.X + vg.Length(50+rng.Float64()*800), Y: rect.Min.Y + vg.Length(50+rng.Float64()*300)}
		radius := vg.Length(0.5 + rng.Float64()*8)
		if round%5 == 0 {
			radius = 3 // as in the figures: cells of 0.75 points
		}
		got, want := newCoverage(rect, radius), newRefCoverage(rect, radius)
		n := rng.IntN(20_000)
		shown := 0
		for k := range n {
			var pt vg.Point
			switch k % 3 {
			case 0: // anywhere, some partly off the canvas
				pt = vg.Point{X: rect.Min.X - 10 + vg.Length(rng.Float64())*(rect.Max.X-rect.Min.X+20),
					Y: rect.Min.Y - 10 + vg.Length(rng.Float64())*(rect.Max.Y-rect.Min.Y+20)}
			case 1: // in a dense band
				pt = vg.Point{X: rect.Min.X + vg.Length(rng.Float64())*(rect.Max.X-rect.Min.X),
					Y: (rect.Min.Y+rect.Max.Y)/2 + vg.Length(rng.NormFloat64())*radius*2}
			default: // on cell boundaries
				pt = vg.Point{X: rect.Min.X + vg.Length(rng.IntN(int(float64(rect.Max.X-rect.Min.X)/float64(radius)*4)))*radius/4,
					Y: rect.Min.Y + vg.Length(rng.IntN(int(float64(rect.Max.Y-rect.Min.Y)/float64(radius)*4)))*radius/4}
			}
			g, w := got.add(pt), want.add(pt)
			if g != w {
				t.Fatalf("round %d, disc %d at %v (radius %v): add %v, reference %v", round, k, pt, radius, g, w)
			}
			if g {
				shown++
			}
		}
		for j := range want.h {
			for i := range want.w {
				if g := got.covered[j*got.words+i/64]>>(i%64)&1 != 0; g != want.covered[j*want.w+i] {
					t.Fatalf("round %d: cell (%d, %d) covered %v, reference %v", round, i, j, g, !g)
				}
			}
		}
		if round%10 == 0 {
			t.Logf("round %d: %d of %d discs show", round, shown, n)
		}
	}
	// A long history, scaled as the CV history figure scales it, in the
	// order visible considers it.
	xys := history(100_000)
	rect := vg.Rectangle{Min: vg.Point{X: 40, Y: 30}, Max: vg.Point{X: 860, Y: 280}}
	got, want := newCoverage(rect, 3), newRefCoverage(rect, 3)
	shown := 0
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(len(xys)) {
		pt := vg.Point{X: 40 + vg.Length(xys[i].X/100_000*820), Y: 30 + vg.Length((xys[i].Y-0.7)/0.15*250)}
		g, w := got.add(pt), want.add(pt)
		if g != w {
			t.Fatalf("history point %d at %v: add %v, reference %v", i, pt, g, w)
		}
		if g {
			shown++
		}
	}
	t.Logf("history: %d of %d discs show", shown, len(xys))
}

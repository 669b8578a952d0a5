package plots

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// scatter is plotter.Scatter for many points of one glyph style: a glyph
// that would land entirely on glyphs already drawn is not drawn again.
// Every point stays in the figure, at its place (a hidden point's disc is
// inside the discs drawn over it, which have the same colour), but a
// tracker of 100,000 runs draws the few thousand discs that can be seen
// instead of 100,000 paths in the PNG and the SVG. Up to the
// anti-aliasing of a few edge pixels the picture is the one
// plotter.Scatter draws; with points that do not overlap it draws the same
// glyphs in the same order.
//
// A scatter may be added to two plots drawn at once, the PNG and the SVG
// of a figure: it only reads its points, and what it computes of them is
// computed once.
type scatter struct {
	xys   plotter.XYs
	style draw.GlyphStyle
	seen  *seen
	// gonumDiscs draws every disc through gonum, even on a raster
	// canvas (tests compare the two).
	gonumDiscs bool
	// The data range, and the points of extreme x and y (lowest x,
	// highest x, lowest y, highest y), for GlyphBoxes.
	xmin, xmax, ymin, ymax float64
	extremes               [4]int
}

// seen remembers which glyphs showed in the last drawing, for the other
// format of the same figure: its PNG and its SVG put them at the same
// places.
type seen struct {
	mu   sync.Mutex
	rect vg.Rectangle
	pts  []vg.Point
	show []bool
}

// newScatter copies the finite points of xys.
func newScatter(xys plotter.XYs, style draw.GlyphStyle) (*scatter, error) {
	cp, err := plotter.CopyXYs(xys)
	if err != nil {
		return nil, err
	}
	s := &scatter{xys: cp, style: style, seen: new(seen)}
	s.xmin, s.xmax, s.ymin, s.ymax = plotter.XYRange(cp)
	lo, hi := &s.extremes[0], &s.extremes[1]
	for i, p := range cp {
		if p.X < cp[*lo].X {
			*lo = i
		}
		if p.X > cp[*hi].X {
			*hi = i
		}
	}
	lo, hi = &s.extremes[2], &s.extremes[3]
	for i, p := range cp {
		if p.Y < cp[*lo].Y {
			*lo = i
		}
		if p.Y > cp[*hi].Y {
			*hi = i
		}
	}
	return s, nil
}

// Plot implements plot.Plotter.
func (s *scatter) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	pts := make([]vg.Point, len(s.xys))
	for i, p := range s.xys {
		pts[i] = vg.Point{X: trX(p.X), Y: trY(p.Y)}
	}
	show := s.seen.visible(c, pts, s.style.Radius)
	var st *stamper
	if !s.gonumDiscs {
		st = newStamper(c, s.style)
	}
	for i, ok := range show {
		if ok && (st == nil || !st.stamp(pts[i])) {
			c.DrawGlyph(s.style, pts[i])
		}
	}
}

func (sn *seen) visible(c draw.Canvas, pts []vg.Point, r vg.Length) []bool {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.show == nil || sn.rect != c.Rectangle || !slices.Equal(pts, sn.pts) {
		sn.rect, sn.pts, sn.show = c.Rectangle, pts, visible(c, pts, r)
	}
	return sn.show
}

// visible says which glyphs of radius r at pts show on c. Which glyphs
// hide which does not depend on the order they are drawn in (they look
// the same), so they are considered in a fixed pseudo-random order: in
// run order each run's glyph would be the newest at the right of the
// cloud, never covered.
func visible(c draw.Canvas, pts []vg.Point, r vg.Length) []bool {
	show := make([]bool, len(pts))
	cov := newCoverage(c.Rectangle, r)
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(pts))
	for _, i := range order {
		// Glyphs off the canvas are not drawn (DrawGlyph skips them).
		show[i] = c.Contains(pts[i]) && (cov == nil || cov.add(pts[i]))
	}
	return show
}

// DataRange implements plot.DataRanger.
func (s *scatter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return s.xmin, s.xmax, s.ymin, s.ymax
}

// GlyphBoxes implements plot.GlyphBoxer. The plot pads its axes for the
// glyphs that stick out furthest left, right, down and up among those it
// considers (normalised positions in [0, 1] on that axis). All glyphs
// have the same size, so the boxes of the points furthest out pad it as
// those of every point would; an axis's Norm is monotone, so those are
// the points of extreme coordinates when all fall in [0, 1].
func (s *scatter) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	if len(s.xys) == 0 {
		return nil
	}
	idx := s.extremes[:]
	for _, i := range idx {
		nx, ny := plt.X.Norm(s.xys[i].X), plt.Y.Norm(s.xys[i].Y)
		if nx < 0 || nx > 1 || ny < 0 || ny > 1 {
			// Points outside the axes: let the plot choose among all.
			idx = make([]int, len(s.xys))
			for i := range idx {
				idx[i] = i
			}
			break
		}
	}
	r := s.style.Radius
	out := make([]plot.GlyphBox, len(idx))
	for k, i := range idx {
		out[k] = plot.GlyphBox{X: plt.X.Norm(s.xys[i].X), Y: plt.Y.Norm(s.xys[i].Y),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}}
	}
	return out
}

// Thumbnail implements plot.Thumbnailer, for the legend.
func (s *scatter) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(s.style, c.Center())
}

// coverage remembers which parts of a canvas are covered by the discs
// drawn so far, on a grid of cells a quarter of a disc's radius wide: a
// cell counts as covered only when it lies wholly inside a drawn disc, and
// a disc is covered when every cell it touches is. That errs on the side
// of drawing. A cell is a bit, so that a row of a disc's cells is
// checked, or marked, a word at a time: a long history asks about 100,000
// discs.
type coverage struct {
	min     vg.Point
	cell    float64
	r       float64
	w, h    int
	words   int      // per row
	covered []uint64 // row after row, cell i of a row in bit i%64 of its word i/64
}

func newCoverage(rect vg.Rectangle, radius vg.Length) *coverage {
	if radius <= 0 {
		return nil
	}
	c := &coverage{min: rect.Min, r: float64(radius), cell: float64(radius) / 4}
	c.w = int(math.Ceil(float64(rect.Max.X-rect.Min.X)/c.cell)) + 1
	c.h = int(math.Ceil(float64(rect.Max.Y-rect.Min.Y)/c.cell)) + 1
	if c.w <= 0 || c.h <= 0 || c.w*c.h > 1<<24 {
		return nil
	}
	c.words = (c.w + 63) / 64
	c.covered = make([]uint64, c.words*c.h)
	return c
}

// add reports whether a disc at pt would show, and if so marks the cells
// it covers.
func (c *coverage) add(pt vg.Point) bool {
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
		// Only cells not yet covered can show the disc: for a disc drawn
		// over, as a rule, the corners of its square.
		for i := c.uncovered(j, i0, i1); i <= i1; i = c.uncovered(j, i+1, i1) {
			if c.touches(i, j, x, y, outer) {
				c.mark(x, y, inner)
				return true
			}
		}
	}
	return false
}

// uncovered is the first cell of row j from i to last that is not
// covered, or last+1.
func (c *coverage) uncovered(j, i, last int) int {
	row := c.covered[j*c.words : (j+1)*c.words]
	for i <= last {
		free := ^row[i/64] >> (i % 64)
		if free != 0 {
			return min(i+bits.TrailingZeros64(free), last+1)
		}
		i += 64 - i%64
	}
	return last + 1
}

// touches reports whether cell (i, j) comes within r of (x, y).
func (c *coverage) touches(i, j int, x, y, r float64) bool {
	cx := math.Max(float64(i)*c.cell, math.Min(x, float64(i+1)*c.cell))
	cy := math.Max(float64(j)*c.cell, math.Min(y, float64(j+1)*c.cell))
	return (cx-x)*(cx-x)+(cy-y)*(cy-y) < r*r
}

// mark records the cells wholly within r of (x, y): those whose corner
// furthest from the centre is. In a row they are a run, around the cell
// under the centre; its ends are estimated, then settled by that test.
func (c *coverage) mark(x, y, r float64) {
	i0, i1 := max(0, int(math.Floor((x-r)/c.cell))), min(c.w-1, int(math.Floor((x+r)/c.cell)))
	j0, j1 := max(0, int(math.Floor((y-r)/c.cell))), min(c.h-1, int(math.Floor((y+r)/c.cell)))
	if i0 > i1 {
		return
	}
	for j := j0; j <= j1; j++ {
		fy := math.Max(math.Abs(float64(j)*c.cell-y), math.Abs(float64(j+1)*c.cell-y))
		within := func(i int) bool {
			fx := math.Max(math.Abs(float64(i)*c.cell-x), math.Abs(float64(i+1)*c.cell-x))
			return fx*fx+fy*fy <= r*r
		}
		// The cell under the centre is the nearest (or, rounding aside,
		// one beside it): if none is within, no cell of the row is.
		mid := min(max(int(math.Floor(x/c.cell)), i0), i1)
		if !within(mid) {
			switch {
			case mid > i0 && within(mid-1):
				mid--
			case mid < i1 && within(mid+1):
				mid++
			default:
				continue
			}
		}
		half := math.Sqrt(max(0, r*r-fy*fy))
		lo := min(max(int(math.Ceil((x-half)/c.cell)), i0), mid)
		for lo > i0 && within(lo-1) {
			lo--
		}
		for !within(lo) {
			lo++
		}
		hi := max(min(int(math.Floor((x+half)/c.cell))-1, i1), mid)
		for hi < i1 && within(hi+1) {
			hi++
		}
		for !within(hi) {
			hi--
		}
		c.fill(j, lo, hi)
	}
}

// fill marks cells lo to hi of row j covered.
func (c *coverage) fill(j, lo, hi int) {
	row := c.covered[j*c.words : (j+1)*c.words]
	for w := lo / 64; w <= hi/64; w++ {
		mask := ^uint64(0)
		if w == lo/64 {
			mask &= ^uint64(0) << (lo % 64)
		}
		if w == hi/64 {
			mask &= ^uint64(0) >> (63 - hi%64)
		}
		row[w] |= mask
	}
}

// steps keeps the points of a step line where its value changes, and the
// last one: a PostStep line through the rest draws the same path, since
// runs where the best so far holds are one horizontal segment.
func steps(xys plotter.XYs) plotter.XYs {
	if len(xys) <= 2 {
		return xys
	}
	out := plotter.XYs{xys[0]}
	for i := 1; i < len(xys)-1; i++ {
		if xys[i].Y != out[len(out)-1].Y {
			out = append(out, xys[i])
		}
	}
	return append(out, xys[len(xys)-1])
}

package plots

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestSavePNGIsDrawing: the PNG save writes holds, pixel for pixel, the
// plot as gonum draws it on a white canvas, though save does not fill the
// plot's white background again.
func TestSavePNGIsDrawing(t *testing.T) {
	const w, h = 6 * vg.Inch, 4 * vg.Inch
	build := func() *plot.Plot {
		p := newPlot("a title", "x", "y")
		xys := plotter.XYs{{X: 1, Y: 0.8}, {X: 2, Y: 0.79}, {X: 3, Y: 0.82}, {X: 5, Y: 0.815}}
		l, err := plotter.NewLine(xys)
		if err != nil {
			t.Fatal(err)
		}
		l.Color = orange
		p.Add(l, hline(0.81, 1, 5, grey, true))
		p.Legend.Add("line", l)
		return p
	}
	path := filepath.Join(t.TempDir(), "p.png")
	if err := save(build(), w, h, path, ""); err != nil {
		t.Fatal(err)
	}
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	build().Draw(draw.New(c))
	want := c.Image()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			r0, g0, b0, _ := want.At(x, y).RGBA()
			r1, g1, b1, _ := got.At(x, y).RGBA()
			if r0>>8 != r1>>8 || g0>>8 != g1>>8 || b0>>8 != b1>>8 {
				t.Fatalf("pixel (%d, %d): %v, want %v", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
}

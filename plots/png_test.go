package plots

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEncodePNGRoundTrip: image/png reads back every pixel of what
// encodePNG wrote of an opaque image: flat colour, noise that spans many
// IDAT chunks, a sub-image.
func TestEncodePNGRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	flat := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range flat.Pix {
		flat.Pix[i] = 0xff
	}
	for x := 20; x < 280; x++ {
		flat.SetRGBA(x, 100+x%7, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff})
	}
	noise := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.Uint32())
		if i%4 == 3 {
			noise.Pix[i] = 0xff
		}
	}
	for _, tc := range []struct {
		name string
		img  *image.RGBA
	}{
		{"flat", flat},
		{"noise", noise},
		{"sub-image", noise.SubImage(image.Rect(13, 7, 377, 250)).(*image.RGBA)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := encodePNG(&b, tc.img); err != nil {
				t.Fatal(err)
			}
			back, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			bb, ib := back.Bounds(), tc.img.Bounds()
			if bb.Dx() != ib.Dx() || bb.Dy() != ib.Dy() {
				t.Fatalf("size %v, want %v", bb, ib)
			}
			for y := range ib.Dy() {
				for x := range ib.Dx() {
					r0, g0, b0, a0 := tc.img.At(ib.Min.X+x, ib.Min.Y+y).RGBA()
					r1, g1, b1, a1 := back.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
					// 8-bit values: compare at 8 bits (NRGBA and RGBA
					// round differently below that).
					if r0>>8 != r1>>8 || g0>>8 != g1>>8 || b0>>8 != b1>>8 || a0>>8 != a1>>8 {
						t.Fatalf("pixel (%d, %d): %v, want %v", x, y, back.At(bb.Min.X+x, bb.Min.Y+y), tc.img.At(ib.Min.X+x, ib.Min.Y+y))
					}
				}
			}
		})
	}
}

// TestEncodePNGTranslucent: images that are not opaque are image/png's.
func TestEncodePNGTranslucent(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	img := image.NewRGBA(image.Rect(0, 0, 50, 40))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Pix[4*rng.IntN(50*40)+3] = 0xfe
	var got, want bytes.Buffer
	if err := encodePNG(&got, img); err != nil {
		t.Fatal(err)
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&want, img); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("a translucent image is not written as image/png writes it")
	}
}

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

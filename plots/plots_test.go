package plots

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keep names a directory where the figures are left for a person to
// look at: go test ./plots -keep /tmp/figures
var keep = flag.String("keep", "", "write the test figures to this directory and keep them")

func outDir(t *testing.T) string {
	if *keep != "" {
		if err := os.MkdirAll(*keep, 0o755); err != nil {
			t.Fatal(err)
		}
		return *keep
	}
	return t.TempDir()
}

// checkFiles decodes the PNG and parses the SVG as XML.
func checkFiles(t *testing.T, pngPath, svgPath string) {
	t.Helper()
	data, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 5000 {
		t.Errorf("%s: only %d bytes", pngPath, len(data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s does not decode: %v", pngPath, err)
	}
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 400 {
		t.Errorf("%s is %dx%d pixels: too small to read", pngPath, b.Dx(), b.Dy())
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(svg) < 2000 {
		t.Errorf("%s: only %d bytes", svgPath, len(svg))
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	root, texts := "", 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not XML: %v", svgPath, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "text" {
				texts++
			}
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", svgPath, root)
	}
	if texts == 0 {
		t.Errorf("%s has no text: titles and labels are missing", svgPath)
	}
}

func gain(v, lo, hi float64) *Gain { return &Gain{Value: v, HasCI: true, CILow: lo, CIHigh: hi} }

func TestPlotsRender(t *testing.T) {
	dir := outDir(t)
	tests := []struct {
		name string
		draw func(png, svg string) error
	}{
		{"ablation", func(p, s string) error {
			return AblationGains(Ablation{Plan: "demo", Metric: "auc", CILevel: 0.95, Groups: []GroupGains{
				{"family", gain(0.095, 0.09, 0.1), gain(0.0953, 0.091, 0.099)},
				{"title", gain(0.0066, 0.004, 0.009), gain(0.0072, 0.005, 0.0094)},
				{"noise", gain(-0.0003, -0.002, 0.0014), &Gain{Value: -0.0005}}, // no CI
				{"never_ran", nil, nil},
			}}, p, s)
		}},
		{"ablation_negative", func(p, s string) error {
			return AblationGains(Ablation{Metric: "rmse", CILevel: 0.9, Groups: []GroupGains{
				{"hurts", gain(-0.3, -0.5, -0.1), gain(-0.2, -0.4, 0)},
			}}, p, s)
		}},
		{"seeds", func(p, s string) error {
			return SeedScores(Seeds{Plan: "demo", Variant: "all", Metric: "auc", Points: []SeedPoint{
				{42, 0.7871}, {123, 0.7880}, {456, 0.7866}, {1, 0.7890}, {2, 0.7859},
			}}, p, s)
		}},
		{"seeds_equal", func(p, s string) error {
			return SeedScores(Seeds{Points: []SeedPoint{{1, 0.5}, {2, 0.5}}}, p, s)
		}},
		{"cv_lb", func(p, s string) error {
			return CVvsLB([]LBPoint{{"run_001", 0.80, 0.79}, {"run_002", 0.81, 0.805}, {"run_004", 0.815, 0.80}, {"run_007", 0.82, 0.812}}, 0.87, p, s)
		}},
		{"cv_lb_many_nan_r", func(p, s string) error {
			var pts []LBPoint
			for i := range 40 {
				pts = append(pts, LBPoint{"r", 0.8 + float64(i)*1e-3, 0.79})
			}
			return CVvsLB(pts, math.NaN(), p, s)
		}},
		{"history", func(p, s string) error {
			return CVHistory([]HistoryPoint{{1, 0.80}, {2, 0.79}, {3, 0.82}, {5, 0.815}, {6, 0.83}}, "maximize", p, s)
		}},
		{"history_minimize", func(p, s string) error {
			return CVHistory([]HistoryPoint{{1, 0.5}, {2, 0.45}, {3, 0.47}, {4, 0.40}}, "minimize", p, s)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, s := filepath.Join(dir, tt.name+".png"), filepath.Join(dir, tt.name+".svg")
			if err := tt.draw(p, s); err != nil {
				t.Fatal(err)
			}
			checkFiles(t, p, s)
		})
	}
}

func TestPlotsNotEnoughData(t *testing.T) {
	dir := t.TempDir()
	p, s := filepath.Join(dir, "x.png"), filepath.Join(dir, "x.svg")
	tests := []struct {
		name, reason string
		err          error
	}{
		{"no groups", "the plan has no feature groups", AblationGains(Ablation{}, p, s)},
		{"no gains", "no gain could be measured", AblationGains(Ablation{Groups: []GroupGains{{"g", nil, &Gain{Value: math.NaN()}}}}, p, s)},
		{"one seed", "1 seed(s) have a score; 2 are needed", SeedScores(Seeds{Points: []SeedPoint{{1, 0.5}, {2, math.NaN()}}}, p, s)},
		{"two LB scores", "2 run(s) have both a CV and an LB score; 3 are needed",
			CVvsLB([]LBPoint{{"a", 1, 1}, {"b", 2, 2}, {"c", 3, math.Inf(1)}}, 1, p, s)},
		{"one run", "1 ok run(s) have a CV score; 2 are needed", CVHistory([]HistoryPoint{{1, 0.5}}, "maximize", p, s)},
	}
	for _, tt := range tests {
		var nd *NotEnoughDataError
		if !errors.As(tt.err, &nd) {
			t.Errorf("%s: %v, want a NotEnoughDataError", tt.name, tt.err)
			continue
		}
		if !strings.HasPrefix(nd.Reason, tt.reason) {
			t.Errorf("%s: reason %q, want %q...", tt.name, nd.Reason, tt.reason)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written although nothing was drawn: %v", entries)
	}
}

func TestBestSoFar(t *testing.T) {
	ys := []float64{0.5, 0.45, 0.47, 0.40, 0.6}
	tests := []struct {
		direction string
		want      []float64
	}{
		{"maximize", []float64{0.5, 0.5, 0.5, 0.5, 0.6}},
		{"minimize", []float64{0.5, 0.45, 0.45, 0.40, 0.40}},
		{"", []float64{0.5, 0.5, 0.5, 0.5, 0.6}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, bestSoFar(ys, tt.direction)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.direction, diff)
		}
	}
}

func TestOnlyOneFormat(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "only.png")
	if err := SeedScores(Seeds{Points: []SeedPoint{{1, 0.5}, {2, 0.6}}}, p, ""); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "only.png" {
		t.Errorf("wrote %v, want only.png", entries)
	}
	err := SeedScores(Seeds{Points: []SeedPoint{{1, 0.5}, {2, 0.6}}}, filepath.Join(dir, "missing", "x.png"), "")
	if err == nil || errors.As(err, new(*NotEnoughDataError)) {
		t.Errorf("writing into a missing directory: %v, want a write error", err)
	}
}

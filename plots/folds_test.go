package plots

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFoldScores(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "folds.svg")
	png := filepath.Join(dir, "folds.png")
	if err := FoldScores([]float64{0.81, 0.79, 0.8, 0.82, 0.78}, "auc", png, svg); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Fold scores (mean 0.8)", ">auc<", ">mean<"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("no %q in the SVG", want)
		}
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Errorf("PNG: %v", err)
	}
	// One fold, or equal folds, still draw (the axis gets a span).
	if err := FoldScores([]float64{0.5}, "", "", svg); err != nil {
		t.Errorf("one fold: %v", err)
	}
	for _, bad := range [][]float64{nil, {0.5, math.NaN()}, {math.Inf(1)}} {
		var nd *NotEnoughDataError
		if err := FoldScores(bad, "auc", "", filepath.Join(dir, "bad.svg")); !errors.As(err, &nd) {
			t.Errorf("%v: %v, want a NotEnoughDataError", bad, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.svg")); err == nil {
		t.Error("a figure was written without data")
	}
}

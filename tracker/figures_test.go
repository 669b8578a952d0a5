package tracker

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The names other packages get from the tracker are the layout's.
func TestPathsOfReportsAndDetails(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	png, svg := tr.FigurePaths("2026-11-25_summary_cv_lb")
	got := []string{tr.DetailsPath("run_007"), png, svg}
	want := []string{
		filepath.Join(tr.Dir, "details", "run_007.json"),
		filepath.Join(tr.Dir, "reports", "2026-11-25_summary_cv_lb.png"),
		filepath.Join(tr.Dir, "reports", "2026-11-25_summary_cv_lb.svg"),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}

	if k := tr.FigureKey(png); k != "" {
		t.Errorf("key of a figure never drawn: %q", k)
	}
	tr.SetFigureKey(png, "abc")
	if k := tr.FigureKey(png); k != "abc" {
		t.Errorf("key %q, want abc", k)
	}
	tr.ForgetFigureKey(png)
	if k := tr.FigureKey(png); k != "" {
		t.Errorf("key %q after it was forgotten", k)
	}
}

package tracker

import (
	"path/filepath"
	"testing"
	"time"

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

// A sweep's report and figures share one base name; a stopped sweep's go
// beside the full one's.
func TestReportName(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 59, 0, 0, time.UTC)
	got := []string{
		ReportName(day, "demo", PartialKind("ablation", false)),
		ReportName(day, "demo", PartialKind("ablation", true)),
		ReportName(day, "summary"),
	}
	want := []string{"2026-11-25_demo_ablation", "2026-11-25_demo_ablation_partial", "2026-11-25_summary"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
}

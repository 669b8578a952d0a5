package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/tracker"
)

// Figures are drawn again only when what they show changed.
func TestFiguresAreRedrawnOnlyWhenTheirDataChanges(t *testing.T) {
	tr, err := tracker.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := tr.ReportsDir()
	rows := sampleRows()
	figures := func() {
		t.Helper()
		s, err := SummarizeRuns(rows, "", RunsOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := RunsFigures(s, rows, tr, "summary"); err != nil {
			t.Fatal(err)
		}
	}
	history := filepath.Join(dir, "summary_cv_history.png")
	lb := filepath.Join(dir, "summary_cv_lb.png")
	sentinel := []byte("not redrawn")
	mark := func() {
		for _, p := range []string{history, lb} {
			if err := os.WriteFile(p, sentinel, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	redrawn := func(p string) bool {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return !bytes.Equal(data, sentinel)
	}

	figures()
	for _, p := range []string{".summary_cv_history.png.key", ".summary_cv_lb.png.key"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("the key of a drawn figure is not kept: %v", err)
		}
	}
	mark()
	figures() // nothing changed
	if redrawn(history) || redrawn(lb) {
		t.Error("figures drawn again with the same data")
	}

	rows[len(rows)-1].Notes = "a note shows in no figure"
	figures()
	if redrawn(history) || redrawn(lb) {
		t.Error("figures drawn again for a change they do not show")
	}

	lbScore := 0.9
	rows[0].LBScore = &lbScore // CV vs LB changes, the history does not
	figures()
	if redrawn(history) || !redrawn(lb) {
		t.Errorf("after an LB score: history redrawn %v (want false), CV vs LB %v (want true)", redrawn(history), redrawn(lb))
	}

	os.Remove(filepath.Join(dir, "summary_cv_history.svg"))
	figures()
	if !redrawn(history) {
		t.Error("a figure whose SVG was deleted was not drawn again")
	}
}

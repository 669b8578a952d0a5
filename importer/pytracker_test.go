package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
	"github.com/kxrun/kxrun/tracker"
)

type expected struct {
	Name     string
	CVScores []float64 `json:"cv_scores"`
	LB       *float64
	Features []string
	Params   map[string]any
	Model    string
	Notes    string
	Status   string
	Arrays   bool
	CVMean   *float64 `json:"cv_mean"`
}

func fixture(t *testing.T) (string, []expected) {
	t.Helper()
	debpython.Require(t, "numpy")
	dir := t.TempDir()
	out, err := exec.Command(debpython.Path, "testdata/make_pytracker.py", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []expected
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	return dir, want
}

func fileSHA(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func TestImportPyTrackerTwice(t *testing.T) {
	src, want := fixture(t)
	tr, err := tracker.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportPyTracker(tr, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != len(want) || res.Skipped != 0 {
		t.Fatalf("imported %d, skipped %d; want %d, 0", len(res.Imported), res.Skipped, len(want))
	}
	rows, _, _ := tr.Runs()
	for i, w := range want {
		rec, err := tr.Details(rows[i].RunID)
		if err != nil {
			t.Fatal(err)
		}
		got := expected{Name: rec.Name, CVScores: rec.CVScores, LB: rec.LBScore, Features: rec.Features,
			Params: rec.Params, Model: rec.ModelType, Notes: rec.Notes, Status: rec.Status,
			Arrays: rec.Artifacts["oof"] != nil, CVMean: rows[i].CVScore}
		if w.CVScores == nil {
			w.CVScores = []float64{}
		}
		if got.CVScores == nil {
			got.CVScores = []float64{}
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", w.Name, diff)
		}
		if rows[i].Source != "import" {
			t.Errorf("%s: source %q", w.Name, rows[i].Source)
		}
		for kind, a := range rec.Artifacts {
			orig := filepath.Join(src, "details", rec.ImportedFrom.RunID+"_"+kind+".npy")
			if fileSHA(t, filepath.Join(tr.Dir, a.Path)) != fileSHA(t, orig) {
				t.Errorf("%s %s: bytes differ from the original", w.Name, kind)
			}
		}
	}
	// The LB of 0.0 is a score, the missing one is missing.
	if rows[0].LBScore == nil || *rows[0].LBScore != 0 || rows[1].LBScore != nil {
		t.Errorf("lb: %v %v", rows[0].LBScore, rows[1].LBScore)
	}

	again, err := ImportPyTracker(tr, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Imported) != 0 || again.Skipped != len(want) {
		t.Errorf("second import: imported %d, skipped %d", len(again.Imported), again.Skipped)
	}
	if rows2, _, _ := tr.Runs(); len(rows2) != len(want) {
		t.Errorf("%d rows after importing twice", len(rows2))
	}
}

func TestPyList(t *testing.T) {
	for in, want := range map[string][]float64{
		"[0.81, 0.82]":                        {0.81, 0.82},
		"[np.float64(0.5), np.float64(0.25)]": {0.5, 0.25},
		"[]":                                  nil,
		"[0.8, nan]":                          nil,
		"":                                    nil,
	} {
		if diff := cmp.Diff(want, pyList(in)); diff != "" {
			t.Errorf("pyList(%q) (-want +got):\n%s", in, diff)
		}
	}
}

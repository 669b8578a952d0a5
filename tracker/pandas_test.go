package tracker

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

func TestPandasReadsRunsCSV(t *testing.T) {
	debpython.Require(t, "pandas")
	tr := mustOpen(t, t.TempDir())
	notes := []string{"", "commas, and \"quotes\"", "two\nlines", "NA"}
	lbs := []*float64{nil, fp(0), fp(0.812345678901234), nil}
	scores := []float64{0.1 + 0.2, 0.8123456789012345, 1e-9, 12345.678}
	for i := range notes {
		rec := sampleRecord("r", scores[i])
		rec.Notes, rec.LBScore = notes[i], lbs[i]
		if _, err := tr.Commit(rec, Files{}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(debpython.Path, "testdata/read_runs.py", tr.CSVPath()).Output()
	if err != nil {
		t.Fatalf("pandas: %v", err)
	}
	var got struct {
		Dtypes  map[string]string
		LBScore []*float64 `json:"lb_score"`
		Notes   []*string
		CVFolds [][]float64 `json:"cv_folds"`
		CVScore []float64   `json:"cv_score"`
		RunID   []string    `json:"run_id"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	wantDtypes := map[string]string{"cv_score": "float64", "cv_std": "float64", "seed": "int64",
		"n_features": "int64", "lb_score": "float64", "duration_s": "float64"}
	if diff := cmp.Diff(wantDtypes, got.Dtypes); diff != "" {
		t.Errorf("dtypes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(lbs, got.LBScore); diff != "" {
		t.Errorf("lb_score: an empty cell must read as NaN and 0.0 as 0.0 (-want +got):\n%s", diff)
	}
	// pandas reads an empty note, and by default the text "NA", as missing.
	wantNotes := []*string{nil, &notes[1], &notes[2], nil}
	if diff := cmp.Diff(wantNotes, got.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	for i, s := range scores {
		if got.CVScore[i] != s {
			t.Errorf("cv_score %d: pandas read %v, kxrun wrote %v", i, got.CVScore[i], s)
		}
		if diff := cmp.Diff([]float64{s, s}, got.CVFolds[i]); diff != "" {
			t.Errorf("cv_folds %d (-want +got):\n%s", i, diff)
		}
	}
}

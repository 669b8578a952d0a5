package interop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestOOFCorrAgainstNumpy checks kxrun oofcorr's matrices on the runs of
// the scikit-learn sweep against numpy's corrcoef and pandas' Spearman,
// and that the report and its heat maps are written.
func TestOOFCorrAgainstNumpy(t *testing.T) {
	t.Parallel()
	dir := scikitSweep(t)
	res := mustKxrun(t, 0, dir, "oofcorr", "--top", "6", "--dir", "exp", "--json")
	var got struct {
		RunIDs   []string    `json:"run_ids"`
		Pearson  [][]float64 `json:"pearson"`
		Spearman [][]float64 `json:"spearman"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	if len(got.RunIDs) != 6 {
		t.Fatalf("runs %v", got.RunIDs)
	}
	var want struct {
		Pearson  [][]float64 `json:"pearson"`
		Spearman [][]float64 `json:"spearman"`
	}
	pythonJSON(t, &want, append([]string{testdata(t, "oofcorr_check.py"), filepath.Join(dir, "exp")}, got.RunIDs...)...)
	approx := cmpopts.EquateApprox(0, 1e-12)
	if diff := cmp.Diff(want.Pearson, got.Pearson, approx); diff != "" {
		t.Errorf("Pearson (-numpy +kxrun):\n%s", diff)
	}
	if diff := cmp.Diff(want.Spearman, got.Spearman, approx); diff != "" {
		t.Errorf("Spearman (-pandas +kxrun):\n%s", diff)
	}
	base := filepath.Join(dir, "exp", "reports", time.Now().Format("2006-01-02")+"_oofcorr")
	for _, suffix := range []string{".md", "_pearson.png", "_pearson.svg", "_spearman.png", "_spearman.svg"} {
		if fi, err := os.Stat(base + suffix); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", base+suffix, err)
		}
	}
	text := mustKxrun(t, 0, dir, "oofcorr", got.RunIDs[0], got.RunIDs[1], "--dir", "exp").stdout
	if !strings.Contains(text, "Spearman correlation of the OOF predictions") {
		t.Errorf("text output:\n%s", text)
	}
}

package interop

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/internal/debpython"
)

// TestPlanLabels runs a trainer that reports no labels, with the plan's
// target: and folds: naming copies of the sweep's: the runs get the same
// content-addressed arrays as the runs whose trainer reported them, and
// blend with them.
func TestPlanLabels(t *testing.T) {
	t.Parallel()
	dir := scikitSweep(t)
	exp := filepath.Join(dir, "exp")
	var rec struct {
		Artifacts map[string]struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"artifacts"`
	}
	readJSON(t, filepath.Join(exp, "details", "run_001.json"), &rec)
	work := t.TempDir()
	for _, kind := range []string{"target", "folds"} {
		data, err := os.ReadFile(filepath.Join(exp, rec.Artifacts[kind].Path))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(work, kind+".npy"), string(data))
	}
	plan := fmt.Sprintf(`name: planlabels
metric: auc
model: lr2
command: [%q, %q]
workdir: %q
env: {OMP_NUM_THREADS: "1", SWEEP_NO_LABELS: "1"}
seeds: [1]
base_features: [mean radius, mean texture, worst radius]
params: {model: lr, C: 0.3}
target: target.npy
folds: folds.npy
`, debpython.Path, testdata(t, "sweep_trainer.py"), work)
	writeFile(t, filepath.Join(dir, "planlabels.yaml"), plan)
	mustKxrun(t, 0, dir, "ablation", "planlabels.yaml", "--dir", "exp")
	res := mustKxrun(t, 0, dir, "report", "--dir", "exp", "--json", "--all")
	var rep struct {
		Runs []struct {
			RunID string `json:"run_id"`
			Plan  string `json:"plan"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, r := range rep.Runs {
		if r.Plan == "planlabels" {
			id = r.RunID
		}
	}
	if id == "" {
		t.Fatal("the plan's run is not in the report")
	}
	var got struct {
		Artifacts map[string]struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"artifacts"`
	}
	readJSON(t, filepath.Join(exp, "details", id+".json"), &got)
	for _, kind := range []string{"target", "folds"} {
		if got.Artifacts[kind] != rec.Artifacts[kind] {
			t.Errorf("%s: %+v, the trainer-reported runs have %+v", kind, got.Artifacts[kind], rec.Artifacts[kind])
		}
	}
	for _, kind := range []string{"target", "folds"} {
		if _, err := os.Stat(filepath.Join(work, kind+".npy")); err != nil {
			t.Errorf("the plan's %s file is gone: %v", kind, err)
		}
	}
	out := mustKxrun(t, 0, dir, "ensemble", "run_001", id, "--method", "mean", "--dir", "exp", "--json", "--name", "plan_and_trainer_labels")
	var b blendJSON
	if err := json.Unmarshal([]byte(out.stdout), &b); err != nil {
		t.Fatal(err)
	}
	if b.FoldsFrom != "runs" {
		t.Errorf("folds from %q: the plan's folds are the runs' folds", b.FoldsFrom)
	}
}

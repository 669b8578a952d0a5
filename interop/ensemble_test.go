package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kxrun/kxrun/internal/debpython"
)

// sweepModels are the scikit-learn models of the blending sweep.
var sweepModels = []string{"lr", "rf", "knn", "nb", "dt"}

// The tests that share the sweep run in parallel with each other and the
// rest of the package: they add runs to it (blends, a plan's run) but
// name the runs they check by id or read them from kxrun's JSON.

var (
	sweepOnce sync.Once
	sweepDir  string
	sweepErr  string
)

// scikitSweep runs testdata/sweep_trainer.py through `kxrun ablation` for
// five model types (two variants each), once for every test that blends.
func scikitSweep(t *testing.T) string {
	t.Helper()
	debpython.Require(t, "numpy", "sklearn", "scipy", "pandas")
	sweepOnce.Do(func() {
		dir, err := os.MkdirTemp(filepath.Dir(kxrunBin), "sweep-") // removed with kxrunBin
		if err != nil {
			sweepErr = err.Error()
			return
		}
		sweepDir = dir
		for _, m := range sweepModels {
			plan := fmt.Sprintf(`name: %s
metric: auc
model: %s
command: [%q, %q]
env: {OMP_NUM_THREADS: "1"}
seeds: [1]
base_features: [mean radius, mean texture, mean smoothness]
feature_groups:
  worst: [worst radius, worst texture, worst smoothness, worst concave points]
params: {model: %s}
`, m, m, debpython.Path, testdata(t, "sweep_trainer.py"), m)
			if err := os.WriteFile(filepath.Join(dir, m+".yaml"), []byte(plan), 0o644); err != nil {
				sweepErr = err.Error()
				return
			}
			if res := kxrun(t, dir, "ablation", m+".yaml", "--dir", "exp"); res.code != 0 {
				sweepErr = fmt.Sprintf("ablation %s: exit %d\n%s", m, res.code, res.stderr)
				return
			}
		}
	})
	if sweepErr != "" {
		t.Fatal(sweepErr)
	}
	return sweepDir
}

type blendJSON struct {
	RunID   string `json:"run_id"`
	Method  string `json:"method"`
	Metric  string `json:"metric"`
	Members []struct {
		RunID  string  `json:"run_id"`
		Weight float64 `json:"weight"`
		Count  int     `json:"count"`
		Score  float64 `json:"score"`
	} `json:"members"`
	InSample    float64   `json:"in_sample"`
	Honest      float64   `json:"honest"`
	HonestFolds []float64 `json:"honest_folds"`
	FoldsFrom   string    `json:"folds_from"`
	BestSingle  string    `json:"best_single"`
	BestScore   float64   `json:"best_single_score"`
	Kept        int       `json:"kept"`
}

type blendCheck struct {
	Weights      []float64 `json:"weights"`
	Counts       []int     `json:"counts"`
	Kept         *int      `json:"kept"`
	InSample     float64   `json:"in_sample"`
	KxInSample   float64   `json:"kx_in_sample"`
	Honest       float64   `json:"honest"`
	HonestFolds  []float64 `json:"honest_folds"`
	Singles      []float64 `json:"singles"`
	OOFMaxDiff   float64   `json:"oof_max_diff"`
	TestMaxDiff  float64   `json:"test_max_diff"`
	EqualWeights float64   `json:"equal_weights_score"`
}

// TestBlendsAgainstNumpy blends the runs of a real scikit-learn sweep with
// every method and recomputes each blend with numpy (testdata/blend_check.py):
// the same weights (hill climbing: the same picks), the same blended OOF
// and test arrays, the in-sample, fold-honest and single-run scores that
// scikit-learn gives.
func TestBlendsAgainstNumpy(t *testing.T) {
	t.Parallel()
	dir := scikitSweep(t)
	close := cmpopts.EquateApprox(0, 1e-12)
	for _, tc := range []struct {
		name string
		args []string
		req  map[string]any
	}{
		{"hill", []string{"--top", "10"}, map[string]any{"method": "hill"}},
		{"hill_init3_max7", []string{"--top", "10", "--init", "3", "--max-members", "7"}, map[string]any{"method": "hill", "init": 3, "max_members": 7}},
		{"hill_logloss", []string{"--top", "6", "--metric", "logloss"}, nil},
		{"mean", []string{"run_001", "run_003", "run_005", "--method", "mean"}, map[string]any{"method": "mean"}},
		{"weights", []string{"run_002", "run_004", "--method", "mean", "--weights", "3,1"}, map[string]any{"method": "mean", "weights": []float64{3, 1}}},
		{"rank", []string{"--top", "4", "--method", "rank"}, map[string]any{"method": "rank"}},
		{"optimize", []string{"--top", "5", "--method", "optimize"}, map[string]any{"method": "optimize"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"ensemble", "--dir", "exp", "--json", "--name", "blend_" + tc.name}, tc.args...)
			res := kxrun(t, dir, args...)
			if tc.name == "hill_logloss" {
				// The sweep's runs are scored by AUC (maximize): logloss runs the other way.
				if res.code != 2 || !strings.Contains(res.stderr, "logloss is minimize but the runs are maximize") {
					t.Fatalf("exit %d, want 2 with the direction named\n%s", res.code, res.stderr)
				}
				return
			}
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			var b blendJSON
			if err := json.Unmarshal([]byte(res.stdout), &b); err != nil {
				t.Fatalf("%v\n%s", err, res.stdout)
			}
			req := map[string]any{"dir": filepath.Join(dir, "exp"), "blend": b}
			for k, v := range tc.req {
				req[k] = v
			}
			var want blendCheck
			pythonStdinJSON(t, &want, req, testdata(t, "blend_check.py"))
			weights := make([]float64, len(b.Members))
			singles := make([]float64, len(b.Members))
			for i, m := range b.Members {
				weights[i], singles[i] = m.Weight, m.Score
			}
			if diff := cmp.Diff(want.Weights, weights, close); diff != "" {
				t.Errorf("weights (-numpy +kxrun):\n%s", diff)
			}
			if diff := cmp.Diff(want.Singles, singles, close); diff != "" {
				t.Errorf("single-run scores (-scikit-learn +kxrun):\n%s", diff)
			}
			if want.OOFMaxDiff > 1e-12 || want.TestMaxDiff > 1e-12 {
				t.Errorf("blended arrays differ from numpy's by up to %g (OOF), %g (test)", want.OOFMaxDiff, want.TestMaxDiff)
			}
			if diff := cmp.Diff(want.InSample, b.InSample, close); diff != "" {
				t.Errorf("in-sample score (-scikit-learn +kxrun):\n%s", diff)
			}
			if b.FoldsFrom != "runs" {
				t.Errorf("folds from %q, want the runs' shared folds", b.FoldsFrom)
			}
			switch tc.name {
			case "optimize":
				var sum float64
				for _, w := range weights {
					if w < 0 {
						t.Errorf("negative weight %v", w)
					}
					sum += w
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("weights sum to %v", sum)
				}
				if b.InSample < want.EqualWeights {
					t.Errorf("optimize %v is worse than equal weights %v, its starting point", b.InSample, want.EqualWeights)
				}
			default:
				if diff := cmp.Diff(want.Honest, b.Honest, close); diff != "" {
					t.Errorf("fold-honest score (-numpy +kxrun):\n%s", diff)
				}
				if diff := cmp.Diff(want.HonestFolds, b.HonestFolds, close); diff != "" {
					t.Errorf("fold-honest fold scores (-numpy +kxrun):\n%s", diff)
				}
			}
			if want.Counts != nil {
				counts := make([]int, len(b.Members))
				for i, m := range b.Members {
					counts[i] = m.Count
				}
				if diff := cmp.Diff(want.Counts, counts); diff != "" {
					t.Errorf("hill climbing picks (-numpy +kxrun):\n%s", diff)
				}
				if want.Kept == nil || *want.Kept != b.Kept {
					t.Errorf("kept %d additions, numpy %v", b.Kept, want.Kept)
				}
			}
		})
	}
}

// pythonStdinJSON runs a Python script with in given as JSON on stdin and
// decodes what it prints into out.
func pythonStdinJSON(t *testing.T, out any, in any, args ...string) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(debpython.Path, args...)
	cmd.Env, cmd.Stdin = cleanEnv(), bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
}

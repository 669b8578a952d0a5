package interop

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// The examples under examples/python run end to end under kxrun, and every
// number and array kxrun logged is compared with what the script computed:
// its own mean and std of the folds (in its metrics), numpy's description
// of its arrays, and a second run of the script by itself.

// ablationSummary is the part of `kxrun ablation --json` these tests read.
type ablationSummary struct {
	Direction string  `json:"direction"`
	Seeds     []int64 `json:"seeds"`
	RunsOK    int     `json:"runs_ok"`
	RunsTotal int     `json:"runs_total"`
	Variants  []struct {
		variantStats
		Reference string   `json:"reference"`
		RunIDs    []string `json:"run_ids"`
	} `json:"variants"`
}

type variantStats struct {
	Variant string   `json:"variant"`
	CVMean  *float64 `json:"cv_mean"`
	CVStd   *float64 `json:"cv_std"`
	Gain    *float64 `json:"gain"`
}

func (s *ablationSummary) variant(t *testing.T, name string) variantStats {
	t.Helper()
	for _, v := range s.Variants {
		if v.Variant == name {
			return v.variantStats
		}
	}
	t.Fatalf("no variant %q in the summary", name)
	return variantStats{}
}

// trackerCheck is what testdata/example_check.py prints.
type trackerCheck struct {
	Dtypes map[string]string `json:"dtypes"`
	Runs   []struct {
		RunID           string             `json:"run_id"`
		Status          string             `json:"status"`
		Variant         string             `json:"variant"`
		Seed            int64              `json:"seed"`
		NFeatures       int                `json:"n_features"`
		CVScore         float64            `json:"cv_score"`
		CVStd           float64            `json:"cv_std"`
		CVFolds         []float64          `json:"cv_folds"`
		DetailsCVScores []float64          `json:"details_cv_scores"`
		DetailsFeatures []string           `json:"details_features"`
		Script          map[string]float64 `json:"script"`
		Arrays          map[string]struct {
			Details npyDesc `json:"details"`
			Numpy   npyDesc `json:"numpy"`
			Finite  bool    `json:"finite"`
		} `json:"arrays"`
	} `json:"runs"`
	Summary []variantStats `json:"summary"`
}

// checkTracker reads a tracker the examples logged to, with pandas and
// numpy, and compares each run with what the script computed. summary is
// the ablation's --json output, "" for none.
func checkTracker(t *testing.T, exp, summary string) trackerCheck {
	t.Helper()
	args := []string{testdata(t, "example_check.py"), exp}
	if summary != "" {
		args = append(args, summary)
	}
	var c trackerCheck
	pythonJSON(t, &c, args...)
	if len(c.Runs) == 0 {
		t.Fatal("runs.csv has no rows")
	}
	for _, col := range []string{"seed", "n_features"} {
		if c.Dtypes[col] != "int64" {
			t.Errorf("pandas reads %s as %s, want int64", col, c.Dtypes[col])
		}
	}
	for _, col := range []string{"cv_score", "cv_std"} {
		if c.Dtypes[col] != "float64" {
			t.Errorf("pandas reads %s as %s, want float64", col, c.Dtypes[col])
		}
	}
	type numbers struct {
		Status    string
		CVScore   float64
		CVStd     float64
		Folds     []float64
		NFeatures int
	}
	for _, r := range c.Runs {
		// The script's np.mean and np.std (ddof 0) of its fold scores, the
		// folds it reported and the features it trained on.
		want := numbers{"ok", r.Script["cv_mean"], r.Script["cv_std"], r.DetailsCVScores, int(r.Script["n_features"])}
		got := numbers{r.Status, r.CVScore, r.CVStd, r.CVFolds, r.NFeatures}
		if diff := cmp.Diff(want, got, exact); diff != "" {
			t.Errorf("%s: runs.csv as pandas reads it vs the script (-script +runs.csv):\n%s", r.RunID, diff)
		}
		if len(r.DetailsFeatures) != r.NFeatures {
			t.Errorf("%s: n_features %d, details list %d features", r.RunID, r.NFeatures, len(r.DetailsFeatures))
		}
		for _, kind := range []string{"oof", "test"} {
			a, ok := r.Arrays[kind]
			if !ok {
				t.Errorf("%s: no %s array kept", r.RunID, kind)
				continue
			}
			if diff := cmp.Diff(a.Numpy, a.Details); diff != "" {
				t.Errorf("%s: %s: details vs numpy on the kept file (-numpy +details):\n%s", r.RunID, kind, diff)
			}
			if !a.Finite {
				t.Errorf("%s: %s holds NaN: some row got no prediction", r.RunID, kind)
			}
		}
	}
	return c
}

// compareSummary checks kxrun's ablation summary against the same numbers
// recomputed with numpy from runs.csv.
func compareSummary(t *testing.T, sum *ablationSummary, c trackerCheck) {
	t.Helper()
	var got []variantStats
	for _, v := range sum.Variants {
		got = append(got, v.variantStats)
	}
	if diff := cmp.Diff(c.Summary, got, exact); diff != "" {
		t.Errorf("kxrun's summary vs numpy on runs.csv (-numpy +kxrun):\n%s", diff)
	}
	if sum.RunsOK != sum.RunsTotal {
		t.Errorf("%d of %d runs ok", sum.RunsOK, sum.RunsTotal)
	}
}

// runAblation runs an example plan from the repository root into a fresh
// tracker and returns the tracker, the summary and where it was saved.
func runAblation(t *testing.T, planFile string) (exp string, sum *ablationSummary, summaryPath string) {
	t.Helper()
	dir := t.TempDir()
	exp = filepath.Join(dir, "exp")
	res := mustKxrun(t, 0, repoRoot(t), "ablation", planFile, "--dir", exp, "--json")
	summaryPath = filepath.Join(dir, "summary.json")
	writeFile(t, summaryPath, res.stdout)
	sum = new(ablationSummary)
	if err := json.Unmarshal([]byte(res.stdout), sum); err != nil {
		t.Fatalf("--json output: %v\n%s", err, res.stdout)
	}
	return exp, sum, summaryPath
}

// rerunAlone runs the script of a logged run again by itself, with the
// spec of that run, and checks that it prints the same scores and metrics
// and saves byte-identical arrays.
func rerunAlone(t *testing.T, script, exp, runID string) {
	t.Helper()
	d := readDetails(t, exp, runID)
	dir := t.TempDir()
	spec, err := json.Marshal(map[string]any{
		"features": d.Features, "seed": *d.Seed, "params": d.Params, "run_dir": dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(t.TempDir(), "spec.json")
	writeFile(t, specPath, string(spec))
	env := cleanEnv("KXRUN_SPEC=" + specPath)
	for k, v := range d.Env {
		env = append(env, k+"="+v)
	}
	res := run(t, repoRoot(t), env, debpython.Path, script)
	if res.code != 0 {
		t.Fatalf("%s alone: exit %d\n%s", script, res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	var alone struct {
		CVScores []float64          `json:"cv_scores"`
		Metrics  map[string]float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &alone); err != nil {
		t.Fatalf("%s alone: %v\n%s", script, err, res.stdout)
	}
	if diff := cmp.Diff(alone.CVScores, d.CVScores, exact); diff != "" {
		t.Errorf("%s: folds, script alone vs kxrun (-alone +kxrun):\n%s", runID, diff)
	}
	if diff := cmp.Diff(alone.Metrics, d.Metrics, exact); diff != "" {
		t.Errorf("%s: metrics, script alone vs kxrun (-alone +kxrun):\n%s", runID, diff)
	}
	for _, kind := range []string{"oof", "test"} {
		if got, want := fileSHA256(t, filepath.Join(exp, d.Artifacts[kind].Path)), fileSHA256(t, filepath.Join(dir, kind+".npy")); got != want {
			t.Errorf("%s: %s kept by kxrun (sha256 %s) differs from the script's own (%s)", runID, kind, got, want)
		}
	}
	t.Logf("%s %s: script alone cv %.17g, kxrun cv_score %.17g", runID, d.Name, alone.Metrics["cv_mean"], *d.CVScore)
}

// checkedAblation runs the ablation of planFile, checks its tracker and
// that its summary agrees with the tracker and has the direction want.
func checkedAblation(t *testing.T, planFile, direction string) (exp string, sum *ablationSummary, c trackerCheck) {
	t.Helper()
	exp, sum, summaryPath := runAblation(t, planFile)
	c = checkTracker(t, exp, summaryPath)
	compareSummary(t, sum, c)
	if sum.Direction != direction {
		t.Errorf("direction %q, want %s", sum.Direction, direction)
	}
	return exp, sum, c
}

func TestSklearnExampleAblation(t *testing.T) {
	debpython.Require(t, "numpy", "pandas", "sklearn")
	t.Parallel()
	exp, sum, c := checkedAblation(t, "plans/sklearn.yaml", "maximize")
	last := sum.Seeds[len(sum.Seeds)-1]
	for _, r := range c.Runs {
		// ROC AUC of a sane classifier on this data is well above chance.
		if r.CVScore < 0.9 || r.CVScore > 1 {
			t.Errorf("%s: AUC %v is not plausible", r.RunID, r.CVScore)
		}
		if r.Variant == "all" && r.Seed == sum.Seeds[0] || r.Variant == "-se" && r.Seed == last {
			rerunAlone(t, filepath.Join("examples", "python", "train.py"), exp, r.RunID)
		}
	}
}

// TestXGBoostExampleAblation checks the other direction: with RMSE to
// minimize, a group whose removal raises the error has a positive gain.
func TestXGBoostExampleAblation(t *testing.T) {
	debpython.Require(t, "numpy", "pandas", "sklearn", "xgboost")
	t.Parallel()
	exp, sum, c := checkedAblation(t, "plans/xgboost.yaml", "minimize")
	all := sum.variant(t, "all")
	for _, g := range []string{"body", "cholesterol", "metabolic"} {
		minus := sum.variant(t, "-"+g)
		worse := *minus.CVMean - *all.CVMean // RMSE up when the group is gone
		if math.Signbit(worse) != math.Signbit(*minus.Gain) {
			t.Errorf("-%s: RMSE %v without the group vs %v with it, but gain %v", g, *minus.CVMean, *all.CVMean, *minus.Gain)
		}
	}
	// Body mass index and blood pressure are this data's strongest signal.
	if g := sum.variant(t, "-body").Gain; *g <= 0 {
		t.Errorf("gain of body %v, want > 0", *g)
	}
	for _, r := range c.Runs {
		if r.Arrays["oof"].Details.Dtype != "float32" {
			t.Errorf("%s: oof dtype %s: XGBoost predicts float32", r.RunID, r.Arrays["oof"].Details.Dtype)
		}
		if r.Variant == "all" && r.Seed == sum.Seeds[0] {
			rerunAlone(t, filepath.Join("examples", "python", "train_xgb.py"), exp, r.RunID)
		}
	}
}

// TestSklearnExampleSeeds runs the example under `kxrun seeds`.
func TestSklearnExampleSeeds(t *testing.T) {
	debpython.Require(t, "numpy", "pandas", "sklearn")
	t.Parallel()
	exp := filepath.Join(t.TempDir(), "exp")
	mustKxrun(t, 0, repoRoot(t), "seeds", "plans/sklearn.yaml", "--dir", exp)
	c := checkTracker(t, exp, "")
	seeds := map[int64]bool{}
	for _, r := range c.Runs {
		seeds[r.Seed] = true
		rerunAlone(t, filepath.Join("examples", "python", "train.py"), exp, r.RunID)
	}
	if len(seeds) != len(c.Runs) {
		t.Errorf("%d runs for %d distinct seeds", len(c.Runs), len(seeds))
	}
}

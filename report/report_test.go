package report

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/tracker"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func f(v float64) *float64 { return &v }
func i64(v int64) *int64   { return &v }

func row(n int, name string, cv, std float64, lb *float64, status string) tracker.Row {
	r := tracker.Row{RunID: tracker.FormatID(n), Number: n, Date: "2026-11-20T10:00:00Z", Name: name,
		CVScore: f(cv), CVStd: f(std), LBScore: lb, NFeatures: 10 + n, ModelType: "lgb", Metric: "auc",
		Direction: "maximize", Status: status, Seed: i64(42)}
	if lb != nil {
		g := cv - *lb
		r.CVLBGap = &g
	}
	if status != "ok" {
		r.CVScore, r.CVStd, r.CVLBGap = nil, nil, nil
		r.Reason = "exit status 1: KeyError: 'title'"
	}
	return r
}

func sampleRows() []tracker.Row {
	rows := []tracker.Row{
		row(1, "lgb_baseline", 0.8012, 0.004, f(0.7950), "ok"),
		row(2, "lgb_family_features_with_a_very_long_descriptive_name", 0.8123, 0.0035, f(0.8010), "ok"),
		row(3, "lgb_title", 0, 0, nil, "failed"),
		row(4, "xgb_depth6", 0.8101, 0.0051, f(0.8031), "ok"),
		row(5, "lgb_tuned", 0.8150, 0.0030, f(0.7990), "ok"),
		row(6, "old_try", 0.7900, 0.01, nil, "ok"),
	}
	rows[5].Archived = true
	return rows
}

func TestRunsTableGolden(t *testing.T) {
	tests := []struct {
		name string
		opts RunsOptions
		st   Style
	}{
		{"report_default.golden", RunsOptions{}, Style{}},
		{"report_all_narrow.golden", RunsOptions{All: true}, Style{Width: 80}},
		{"report_sort_cv_top2.golden", RunsOptions{Sort: "cv", Top: 2}, Style{}},
		{"report_color.golden", RunsOptions{Sort: "lb"}, Style{Color: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := SummarizeRuns(sampleRows(), "", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			RunsTable(&b, s, tt.st)
			golden(t, tt.name, b.Bytes())
			if tt.st.Width > 0 {
				for _, line := range strings.Split(b.String(), "\n") {
					if n := len([]rune(line)); n > tt.st.Width && strings.HasPrefix(line, "run_") {
						t.Errorf("table line of %d columns exceeds %d: %q", n, tt.st.Width, line)
					}
				}
			}
		})
	}
}

func TestRunsMarkdownGolden(t *testing.T) {
	s, err := SummarizeRuns(sampleRows(), "run_004", RunsOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.md.golden", RunsMarkdown(s, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), ""))
}

func TestSummarizeRunsFigures(t *testing.T) {
	s, err := SummarizeRuns(sampleRows(), "", RunsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.BestCV.RunID != "run_005" || s.BestLB.RunID != "run_004" {
		t.Errorf("best cv %s, best lb %s", s.BestCV.RunID, s.BestLB.RunID)
	}
	// CV = (.8012, .8123, .8101, .8150), LB = (.7950, .8010, .8031, .7990).
	// Spearman: CV ranks 1,3,2,4; LB ranks 1,3,4,2; d = 0,0,-2,2,
	// rho = 1 - 6*8/(4*15) = 0.2. Pearson computed by hand below.
	cv := []float64{.8012, .8123, .8101, .8150}
	lb := []float64{.7950, .8010, .8031, .7990}
	mc, ml := (cv[0]+cv[1]+cv[2]+cv[3])/4, (lb[0]+lb[1]+lb[2]+lb[3])/4
	var sxy, sxx, syy float64
	for i := range cv {
		sxy += (cv[i] - mc) * (lb[i] - ml)
		sxx += (cv[i] - mc) * (cv[i] - mc)
		syy += (lb[i] - ml) * (lb[i] - ml)
	}
	pearson := sxy / math.Sqrt(sxx*syy)
	c := s.Correlation
	if c.N != 4 || math.Abs(*c.Spearman-0.2) > 1e-12 || math.Abs(*c.Pearson-pearson) > 1e-12 {
		t.Errorf("correlation %+v, want n 4 spearman 0.2 pearson %v", c, pearson)
	}
	if !strings.HasPrefix(c.Warning, "weak correlation") {
		t.Errorf("warning %q", c.Warning)
	}
}

func TestMixedDirections(t *testing.T) {
	rows := sampleRows()
	rows[1].Direction = "minimize"
	if _, err := SummarizeRuns(rows, "", RunsOptions{Sort: "cv"}); err == nil {
		t.Error("sorting runs of both directions by CV must fail")
	}
	s, err := SummarizeRuns(rows, "", RunsOptions{})
	if err != nil || s.BestCV != nil || len(s.Notes) == 0 {
		t.Errorf("mixed directions: best %v notes %v err %v", s.BestCV, s.Notes, err)
	}
}

func sampleRecords(t *testing.T, dir string) (*tracker.Record, *tracker.Record) {
	t.Helper()
	a := &tracker.Record{RunID: "run_001", Name: "lgb_baseline", Seed: i64(42), Status: "ok", Metric: "auc",
		Direction: "maximize", ModelType: "lgb", Features: []string{"age", "fare", "sex", "cabin"}, Techniques: []string{"target_enc", "pseudo"},
		Params:   map[string]any{"lr": 0.05, "num_leaves": 31.0, "bagging": map[string]any{"fraction": 0.8, "freq": 1.0}},
		CVScores: []float64{0.80, 0.81, 0.79}, CVScore: f(0.8), CVStd: f(0.0081649658092772), Date: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		Source: "ablation", Plan: "groups", PlanFile: "plans/groups.yaml", Variant: "base",
		Command: []string{"python3", "train.py", "--seed", "42", "--name", "it's"}, Workdir: "/comp",
		Env: map[string]string{"OMP_NUM_THREADS": "1"}, ExitCode: new(int), ResultSource: "stdout", Attempts: 1,
		StartedAt: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), DurationS: 12.3456,
		Metrics: map[string]float64{"logloss": 0.41}, Log: "logs/run_001.log", Config: "configs/groups_base_s42.yaml"}
	b := &tracker.Record{RunID: "run_002", Name: "lgb_family", Seed: i64(42), Status: "ok", Metric: "auc",
		Direction: "maximize", ModelType: "lgb", Features: []string{"age", "fare", "sex", "sibsp", "parch"}, Techniques: []string{"target_enc", "tta"},
		Params:   map[string]any{"lr": 0.03, "num_leaves": 31.0, "bagging": map[string]any{"fraction": 0.9, "freq": 1.0}, "seed": 7.0},
		CVScores: []float64{0.82, 0.80, 0.81}, CVScore: f(0.81), CVStd: f(0.0081649658092772)}
	if dir != "" {
		// Two OOF arrays written by hand: b = 2a + 1 exactly, so r = 1.
		npytest.Write(t, filepath.Join(dir, "oof_a.npy"), []float64{0.1, 0.4, 0.2, 0.9})
		npytest.Write(t, filepath.Join(dir, "oof_b.npy"), []float64{1.2, 1.8, 1.4, 2.8})
		a.Artifacts = map[string]*tracker.Artifact{"oof": {Path: "oof_a.npy", Dtype: "float64", Shape: []int{4}, SHA256: "aa"}}
		b.Artifacts = map[string]*tracker.Artifact{"oof": {Path: "oof_b.npy", Dtype: "float64", Shape: []int{4}, SHA256: "bb"}}
	}
	return a, b
}

func TestCompareGolden(t *testing.T) {
	dir := t.TempDir()
	a, b := sampleRecords(t, dir)
	tr, err := tracker.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ra := row(1, a.Name, *a.CVScore, *a.CVStd, f(0.79), "ok")
	rb := row(2, b.Name, *b.CVScore, *b.CVStd, f(0.80), "ok")
	c, err := Compare(ra, rb, a, b, tr)
	if err != nil {
		t.Fatal(err)
	}
	if c.OOFCorrelation == nil || math.Abs(*c.OOFCorrelation-1) > 1e-12 {
		t.Errorf("OOF correlation %v, want 1", c.OOFCorrelation)
	}
	var out bytes.Buffer
	CompareText(&out, c, Style{})
	golden(t, "compare.golden", out.Bytes())

	rb.Direction = "minimize"
	if _, err := Compare(ra, rb, a, b, tr); err == nil || !strings.Contains(err.Error(), "cannot be compared") {
		t.Errorf("mixed directions: %v", err)
	}
}

func TestShowGolden(t *testing.T) {
	a, _ := sampleRecords(t, "")
	a.Artifacts = map[string]*tracker.Artifact{"oof": {Path: "artifacts/oof_lgb_v1.npy", Dtype: "float64", Shape: []int{891}, SHA256: "3f2a"}}
	a.Ensemble = &tracker.EnsembleInfo{Method: "hill", Metric: "auc", InSample: 0.8412, Honest: 0.8398,
		FoldsFrom: "runs", BestSingle: "run_002", BestScore: 0.8371, Path: []string{"run_002", "run_001", "run_002"}, Kept: 3,
		Members: []tracker.EnsembleMember{{RunID: "run_002", Name: "xgb", Weight: 2.0 / 3, Count: 2, Score: 0.8371}, {RunID: "run_001", Name: "lgb", Weight: 1.0 / 3, Count: 1, Score: 0.8302}}}
	a.Submissions = []tracker.Submission{
		{Path: "submissions/run_001.csv", SHA256: "9c1e", Rows: 418, Competition: "titanic", Status: "complete", PublicScore: f(0.7751), PrivateScore: f(0.7702)},
		{Path: "/elsewhere/sub.csv", SHA256: "77aa", Rows: 418},
	}
	a.Executor = map[string]string{"slurm_job_id": "41", "slurm_array_index": "3", "slurm_node": "n1", "slurm_state": "COMPLETED"}
	r := row(1, a.Name, *a.CVScore, *a.CVStd, f(0), "ok")
	r.PrivateLB = f(0.7702)
	var out bytes.Buffer
	Show(&out, a, r, func(p string) string { // as tracker.Resolve, for a tracker at experiments/
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join("experiments", p)
	})
	golden(t, "show.golden", out.Bytes())
}

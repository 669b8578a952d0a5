package metrics

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "regenerate testdata/sklearn_golden.json with scikit-learn")

const golden = "testdata/sklearn_golden.json"

type goldenCase struct {
	Name string              `json:"name"`
	Y    []float64           `json:"y"`
	P    []float64           `json:"p"`
	Cols int                 `json:"cols"`
	Want map[string]*float64 `json:"want"` // nil: scikit-learn refuses the arrays
}

func sklearnCases(t *testing.T) ([]byte, bool) {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "testdata/sklearn_golden.py").Output()
	if err != nil {
		return nil, false
	}
	return out, true
}

func loadCases(t *testing.T, data []byte) []goldenCase {
	t.Helper()
	var cases []goldenCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func checkCases(t *testing.T, cases []goldenCase) {
	for _, c := range cases {
		names := make([]string, 0, len(c.Want))
		for m := range c.Want {
			names = append(names, m)
		}
		sort.Strings(names)
		for _, name := range names {
			want := c.Want[name]
			t.Run(c.Name+"/"+name, func(t *testing.T) {
				m, err := Get(name)
				if err != nil {
					t.Fatal(err)
				}
				got, err := m.Eval(c.Y, c.P, c.Cols)
				if want == nil {
					if err == nil {
						t.Fatalf("got %v, want an error (scikit-learn refuses these arrays)", got)
					}
					return
				}
				if err != nil {
					t.Fatalf("error %v, scikit-learn gives %v", err, *want)
				}
				if math.Abs(got-*want) > 1e-12*math.Max(1, math.Abs(*want)) {
					t.Errorf("got %.17g, scikit-learn gives %.17g", got, *want)
				}
			})
		}
	}
}

// TestGolden compares every metric with scikit-learn's values stored in
// testdata (regenerate with -update).
func TestGolden(t *testing.T) {
	if *update {
		out, ok := sklearnCases(t)
		if !ok {
			t.Fatal("-update needs /usr/bin/python3 with scikit-learn (apt-get install python3-sklearn)")
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	checkCases(t, loadCases(t, data))
}

// TestLiveSklearn runs scikit-learn now, so that the stored values cannot
// drift from what the installed version computes.
func TestLiveSklearn(t *testing.T) {
	out, ok := sklearnCases(t)
	if !ok {
		t.Skip("needs /usr/bin/python3 with numpy and scikit-learn (apt-get install python3-sklearn)")
	}
	live := loadCases(t, out)
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	// scikit-learn's last bit can differ between CPUs (numpy picks its
	// SIMD loops at run time): stale means more than that.
	if diff := cmp.Diff(loadCases(t, data), live, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("%s is stale (go test ./metrics -update) (-stored +live):\n%s", golden, diff)
	}
	checkCases(t, live)
}

func TestEveryMetricHasCases(t *testing.T) {
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range loadCases(t, data) {
		for m := range c.Want {
			seen[m] = true
		}
	}
	for _, name := range Names() {
		if !seen[name] {
			t.Errorf("metric %s has no scikit-learn case", name)
		}
	}
}

func TestDirection(t *testing.T) {
	got := map[string]string{}
	for _, name := range Names() {
		got[name] = Lookup(name).Direction()
	}
	want := map[string]string{
		"auc": "maximize", "logloss": "minimize", "multi_logloss": "minimize", "rmse": "minimize",
		"rmsle": "minimize", "mae": "minimize", "r2": "maximize", "accuracy": "maximize",
		"f1": "maximize", "qwk": "maximize",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		metric string
		y, p   []float64
		cols   int
	}{
		{"shape", "rmse", []float64{1, 2}, []float64{1}, 1},
		{"2-D for a 1-D metric", "auc", []float64{0, 1}, []float64{0.1, 0.9, 0.2, 0.8}, 2},
		{"non-binary labels", "auc", []float64{0, 2}, []float64{0.1, 0.9}, 1},
		{"class out of range", "multi_logloss", []float64{0, 3}, []float64{0.5, 0.5, 0.5, 0.5}, 2},
		{"1-D multi_logloss", "multi_logloss", []float64{0, 1}, []float64{0.5, 0.5}, 1},
		{"no rows", "mae", nil, nil, 1},
		{"qwk one class", "qwk", []float64{1, 1}, []float64{1, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, err := Lookup(tt.metric).Eval(tt.y, tt.p, tt.cols); err == nil {
				t.Fatalf("got %v, want an error", v)
			}
		})
	}
	if _, err := Get("gini"); err == nil {
		t.Error("Get(gini) gave no error")
	}
}

package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kxrun/kxrun/internal/debpython"
)

// pandasRuns is what testdata/read_runs.py prints.
type pandasRuns struct {
	Dtypes map[string]string `json:"dtypes"`
	Rows   []pandasRow       `json:"rows"`
}

// pandasRow is a row of runs.csv as pandas read it; nil is what pandas
// read as missing (NaN).
type pandasRow struct {
	Name      *string   `json:"name"`
	Variant   *string   `json:"variant"`
	Seed      int64     `json:"seed"`
	CVScore   float64   `json:"cv_score"`
	CVStd     float64   `json:"cv_std"`
	CVFolds   []float64 `json:"cv_folds_loads"` // json.loads of the cell
	LBScore   *float64  `json:"lb_score"`
	CVLBGap   *float64  `json:"cv_lb_gap"`
	NFeatures int       `json:"n_features"`
	Notes     *string   `json:"notes"`
}

// scoreCase is what testdata/score_trainer.py reported for one seed, with
// numpy's mean and population std of its scores.
type scoreCase struct {
	CVScores  []float64 `json:"cv_scores"`
	LBScore   *float64  `json:"lb_score"`
	Notes     string    `json:"notes"`
	Mean      float64   `json:"mean"`
	Std       float64   `json:"std"`
	NFeatures int       `json:"n_features"`
}

// TestPandasReadsRunsCSV runs a trainer that reports awkward results and
// reads runs.csv back with pandas: numeric columns are numbers, an empty
// lb_score is NaN and 0.0 is 0.0, notes keep their commas, quotes and line
// breaks, cv_folds is JSON, and every number is the one the trainer sent
// (read with float_precision="round_trip": pandas' default float parser is
// not correctly rounded, and reads 0.20000000000000004 as 0.2).
func TestPandasReadsRunsCSV(t *testing.T) {
	debpython.Require(t, "numpy", "pandas")
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	seeds := []int64{1, 2, 3, 4, 5, 6}
	writeFile(t, filepath.Join(dir, "scores.yaml"), fmt.Sprintf(`name: scores
command: [%q, %q]
env: {INTEROP_OUT: %q}
seeds: %s
base_features: [a, b, c]
`, debpython.Path, testdata(t, "score_trainer.py"), out, strings.Join(strings.Fields(fmt.Sprint(seeds)), ", ")))
	exp := filepath.Join(dir, "exp")
	mustKxrun(t, 0, dir, "ablation", "scores.yaml", "--dir", exp)

	var want []pandasRow
	reported := map[int64]scoreCase{}
	for _, seed := range seeds {
		var c scoreCase
		readJSON(t, filepath.Join(out, fmt.Sprint(seed)+".json"), &c)
		reported[seed] = c
		r := pandasRow{Seed: seed, CVScore: c.Mean, CVStd: c.Std, CVFolds: c.CVScores, LBScore: c.LBScore, NFeatures: c.NFeatures}
		if c.LBScore != nil {
			g := c.Mean - *c.LBScore
			r.CVLBGap = &g
		}
		if c.Notes != "" { // pandas reads an empty cell as NaN
			r.Notes = &c.Notes
		}
		want = append(want, r)
	}

	for _, read := range []struct {
		name string
		args []string
	}{
		{"default", nil},
		{"round_trip", []string{"float_precision=round_trip"}},
	} {
		t.Run(read.name, func(t *testing.T) {
			var got pandasRuns
			pythonJSON(t, &got, append([]string{testdata(t, "read_runs.py"), filepath.Join(exp, "runs.csv")}, read.args...)...)
			wantDtypes := map[string]string{
				"seed": "int64", "cv_score": "float64", "cv_std": "float64", "lb_score": "float64",
				"cv_lb_gap": "float64", "n_features": "int64", "duration_s": "float64",
			}
			gotDtypes := map[string]string{}
			for c := range wantDtypes {
				gotDtypes[c] = got.Dtypes[c]
			}
			if diff := cmp.Diff(wantDtypes, gotDtypes); diff != "" {
				t.Errorf("dtypes (-want +got):\n%s", diff)
			}
			rows := got.Rows
			slices.SortFunc(rows, func(a, b pandasRow) int { return int(a.Seed - b.Seed) })
			ignore := cmpopts.IgnoreFields(pandasRow{}, "Name", "Variant")
			floats := exact
			if read.name == "default" {
				// Off by an ulp or more with the default parser: shown, not
				// failed, since the README says to read with round_trip. NaN
				// against a number, or 0.0 against anything else, still fails.
				if diff := cmp.Diff(want, rows, ignore, exact); diff != "" {
					t.Logf("pandas' default float parser (-trainer +pandas):\n%s", diff)
				}
				floats = cmpopts.EquateApprox(1e-12, 0)
			}
			if diff := cmp.Diff(want, rows, ignore, floats); diff != "" {
				t.Errorf("runs.csv as pandas reads it vs what the trainer reported (-trainer +pandas):\n%s", diff)
			}
		})
	}

	// The details hold the same numbers, as JSON.
	for i := range seeds {
		d := readDetails(t, exp, fmt.Sprintf("run_%03d", i+1))
		c := reported[*d.Seed]
		got := []any{d.CVScores, *d.CVScore, *d.CVStd, d.LBScore, d.Notes}
		if diff := cmp.Diff([]any{c.CVScores, c.Mean, c.Std, c.LBScore, c.Notes}, got, exact); diff != "" {
			t.Errorf("details of seed %d (-trainer +details):\n%s", *d.Seed, diff)
		}
	}
}

// TestPandasNAGroupNames shows what pandas makes of the variants of groups
// named like its default missing-value strings, and checks that kxrun warns
// about every group whose variant pandas loses.
func TestPandasNAGroupNames(t *testing.T) {
	debpython.Require(t, "numpy", "pandas")
	t.Parallel()
	groups := []string{"nan", "NaN", "NA", "null", "NULL", "None", "nan_rate"}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	fmt.Fprintf(&plan, "name: na\ncommand: [%q, %q]\nenv: {INTEROP_OUT: %q}\nseeds: [1]\nbase_features: [b]\nfeature_groups:\n",
		debpython.Path, testdata(t, "score_trainer.py"), out)
	for i, g := range groups {
		fmt.Fprintf(&plan, "  %s: [f%d]\n", g, i)
	}
	writeFile(t, filepath.Join(dir, "na.yaml"), plan.String())
	exp := filepath.Join(dir, "exp")
	res := mustKxrun(t, 0, dir, "ablation", "na.yaml", "--dir", exp)

	// What pandas reads in the variant column, by variant as kxrun wrote it;
	// "" for NaN.
	read := func(args ...string) map[string]string {
		var got struct {
			Rows []struct{ Name, Variant *string }
		}
		pythonJSON(t, &got, append([]string{testdata(t, "read_runs.py"), filepath.Join(exp, "runs.csv")}, args...)...)
		m := map[string]string{}
		for _, r := range got.Rows {
			// The name holds the variant spelled out: na_minus_nan_s1.
			name := strings.TrimSuffix(strings.TrimPrefix(*r.Name, "na_"), "_s1")
			variant := strings.NewReplacer("minus_", "-", "plus_", "+").Replace(name)
			m[variant] = ""
			if r.Variant != nil {
				m[variant] = *r.Variant
			}
		}
		return m
	}
	want := map[string]string{"all": "all", "base": "base"}
	for _, g := range groups {
		want["-"+g], want["+"+g] = "-"+g, "+"+g
	}
	if diff := cmp.Diff(want, read("keep_default_na=False")); diff != "" {
		t.Errorf("with keep_default_na=False every variant must read as written (-want +got):\n%s", diff)
	}

	// pandas 1.5 and 2.x lose exactly these two; a new NA string in pandas
	// shows up here.
	want["-nan"], want["-NaN"] = "", ""
	got := read()
	var lost []string
	for variant, v := range got {
		if v == "" {
			lost = append(lost, variant)
		}
	}
	slices.Sort(lost)
	t.Logf("pd.read_csv reads these variants as NaN: %v", lost)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variant column as pd.read_csv reads it by default (-want +got):\n%s", diff)
	}
	warned := func(group string) bool {
		for _, line := range strings.Split(res.stderr, "\n") {
			if strings.HasPrefix(line, "warning: ") && strings.Contains(line, fmt.Sprintf("group %q", group)) {
				return true
			}
		}
		return false
	}
	for variant, v := range got {
		if v == "" && !warned(variant[1:]) {
			t.Errorf("pandas reads variant %q as NaN but kxrun did not warn about group %q; stderr:\n%s", variant, variant[1:], res.stderr)
		}
	}
	t.Logf("kxrun's warnings:\n%s", res.stderr)
}

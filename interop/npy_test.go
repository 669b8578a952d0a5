package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// npyPlan writes a one-run plan whose trainer saves arrays of one kind
// (testdata/npykinds.py) and returns the directory to run kxrun in and the
// trainer's report directory.
func npyPlan(t *testing.T, kind, where string) (dir, out string) {
	t.Helper()
	dir = t.TempDir()
	out = filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "npy.yaml"), fmt.Sprintf(`name: npy
model: arr
command: [%q, %q, %q, %q]
env: {INTEROP_OUT: %q}
seeds: [7]
base_features: [x]
`, debpython.Path, testdata(t, "npy_trainer.py"), kind, where, out))
	return dir, out
}

// TestNumpyArraysKeptBitForBit has numpy save every kind of array a trainer
// may produce, runs it through kxrun, and checks that the details describe
// each file exactly as numpy does and that numpy loads what kxrun kept as
// the very array the trainer saved.
func TestNumpyArraysKeptBitForBit(t *testing.T) {
	debpython.Require(t, "numpy")
	tests := []struct {
		kind  string
		where string // run_dir: default names in KXRUN_RUN_DIR; absolute, relative: declared paths
	}{
		{"float64", "run_dir"},
		{"float32", "run_dir"},
		{"int64", "run_dir"},
		{"bool", "run_dir"},
		{"multiclass_2d", "run_dir"},
		{"float32_2d_fortran", "run_dir"},
		{"float64_2d_transposed", "run_dir"},
		{"proba_column_view", "run_dir"},
		{"float64_big_endian", "run_dir"},
		{"float32_big_endian_2d_fortran", "run_dir"},
		{"int64_big_endian", "run_dir"},
		{"empty", "run_dir"},
		{"empty_2d", "run_dir"},
		{"scalar_0d", "run_dir"},
		{"float64_format_2_0", "run_dir"},
		{"float64", "absolute"},
		{"multiclass_2d", "relative"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"_"+tt.where, func(t *testing.T) {
			t.Parallel()
			dir, out := npyPlan(t, tt.kind, tt.where)
			exp := filepath.Join(dir, "exp")
			mustKxrun(t, 0, dir, "ablation", "npy.yaml", "--dir", exp, "--json")

			var trainer map[string]npyDesc // what numpy said of the files the trainer saved
			readJSON(t, filepath.Join(out, "npy_all_s7.json"), &trainer)
			d := readDetails(t, exp, "run_001")
			recorded := map[string]npyDesc{}
			for kind, a := range d.Artifacts {
				recorded[kind] = a.npyDesc
			}
			if diff := cmp.Diff(trainer, recorded); diff != "" {
				t.Errorf("details vs numpy on the trainer's files (-numpy +details):\n%s", diff)
			}

			var kept map[string]struct {
				npyDesc
				Identical bool `json:"identical"`
			}
			pythonJSON(t, &kept, testdata(t, "npy_check.py"), exp, "run_001", tt.kind, "7")
			for what, want := range trainer {
				if diff := cmp.Diff(want, kept[what].npyDesc); diff != "" {
					t.Errorf("%s: numpy on the kept file vs on the trainer's (-trainer +kept):\n%s", what, diff)
				}
				if !kept[what].Identical {
					t.Errorf("%s: numpy.load(%s) is not the array the trainer saved", what, d.Artifacts[what].Path)
				}
			}

			// Declared paths outside the run directory are copied: the
			// trainer's own file stays as it was.
			if tt.where != "run_dir" {
				for what, a := range d.Artifacts {
					want := filepath.Join(out, "npy_all_s7_"+what+".npy")
					if tt.where == "relative" {
						want = filepath.Join(dir, "preds", "npy_all_s7_"+what+".npy")
					}
					if a.Source != want {
						t.Errorf("%s: source %s, want %s", what, a.Source, want)
					}
					if got := fileSHA256(t, want); got != trainer[what].SHA256 {
						t.Errorf("%s: the trainer's file changed: sha256 %s, was %s", what, got, trainer[what].SHA256)
					}
				}
			}
		})
	}
}

// TestNumpyArraysRefused runs arrays numpy saves happily but that are not
// numeric predictions: each run must fail with a reason naming the dtype,
// kxrun must log it and keep nothing, and never crash.
func TestNumpyArraysRefused(t *testing.T) {
	debpython.Require(t, "numpy")
	tests := []struct{ kind, reason string }{
		{"object_mixed", "not a numeric array: dtype object ('|O')"},
		{"object_floats", "not a numeric array: dtype object ('|O')"},
		{"unicode", "not a numeric array: dtype unicode string ('<U3')"},
		{"complex", "not a numeric array: dtype complex ('<c16')"},
		{"structured", "not a numeric array: structured dtype"},
		{"datetime", "not a numeric array: dtype datetime64 ('<M8[D]')"},
		{"longdouble", "long double"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			dir, _ := npyPlan(t, tt.kind, "run_dir")
			exp := filepath.Join(dir, "exp")
			res := mustKxrun(t, 1, dir, "ablation", "npy.yaml", "--dir", exp)
			if strings.Contains(res.stderr, "panic") || strings.Contains(res.stderr, "goroutine ") {
				t.Errorf("kxrun crashed:\n%s", res.stderr)
			}
			d := readDetails(t, exp, "run_001")
			t.Logf("reason: %s", d.Reason)
			if d.Status != "failed" || !strings.HasPrefix(d.Reason, "oof: ") || !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("status %q, reason %q; want failed, oof: ... %s", d.Status, d.Reason, tt.reason)
			}
			if len(d.Artifacts) != 0 {
				t.Errorf("a refused run kept artifacts: %v", d.Artifacts)
			}
			if kept, _ := filepath.Glob(filepath.Join(exp, "artifacts", "*")); len(kept) != 0 {
				t.Errorf("files in artifacts/ after a refused run: %v", kept)
			}
		})
	}
}

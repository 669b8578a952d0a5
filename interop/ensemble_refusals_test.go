package interop

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kxrun/kxrun/npyfile"
)

// TestEnsembleRefusals logs runs with `kxrun log` whose arrays cannot be
// blended together: each blend is refused with exit status 2, a message
// naming the problem, and nothing logged.
func TestEnsembleRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	npy := func(name string, vals []float64, shape ...int) string {
		t.Helper()
		if len(shape) == 0 {
			shape = []int{len(vals)}
		}
		p := filepath.Join(dir, name)
		if err := npyfile.WriteFloat64(p, vals, shape); err != nil {
			t.Fatal(err)
		}
		return p
	}
	y := npy("y.npy", []float64{0, 1, 1, 0, 1, 0, 1, 0, 0, 1})
	y2 := npy("y2.npy", []float64{1, 1, 1, 0, 1, 0, 1, 0, 0, 1})
	p := []float64{0.1, 0.8, 0.7, 0.3, 0.9, 0.2, 0.6, 0.4, 0.3, 0.7}
	good := npy("good.npy", p)
	test := npy("test.npy", []float64{0.5, 0.5, 0.5})
	short := npy("short.npy", p[:8])
	nan := npy("nan.npy", append([]float64{math.NaN(), math.NaN()}, p[2:]...))
	inf := npy("inf.npy", []float64{math.Inf(1), 0.5, 0.5})
	twoD := npy("2d.npy", make([]float64, 20), 10, 2)
	log := func(name string, extra ...string) {
		t.Helper()
		args := append([]string{"log", "--dir", "exp", "--name", name, "--cv", "0.8,0.9", "--metric", "auc"}, extra...)
		mustKxrun(t, 0, dir, args...)
	}
	log("a", "--oof", good, "--test", test, "--target", y)                                                       // run_001
	log("b", "--oof", good, "--test", test, "--target", y)                                                       // run_002
	log("short", "--oof", short, "--test", test, "--target", y)                                                  // run_003
	log("other_target", "--oof", good, "--test", test, "--target", y2)                                           // run_004
	log("no_test", "--oof", good, "--target", y)                                                                 // run_005
	log("no_target", "--oof", good, "--test", test)                                                              // run_006
	log("nan", "--oof", nan, "--test", test, "--target", y)                                                      // run_007
	log("inf_test", "--oof", good, "--test", inf, "--target", y)                                                 // run_008
	log("minimize", "--oof", good, "--test", test, "--target", y, "--direction", "minimize", "--metric", "loss") // run_009
	log("gini", "--oof", good, "--test", test, "--target", y, "--metric", "gini")                                // run_010
	log("twod", "--oof", twoD, "--test", test, "--target", y)                                                    // run_011
	log("no_oof", "--test", test, "--target", y)                                                                 // run_012

	csv := filepath.Join(dir, "exp", "runs.csv")
	before, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"shapes", []string{"1", "3"}, "OOF shapes differ: run_001 has (10), run_003 has (8)"},
		{"2-D and 1-D", []string{"1", "11"}, "OOF shapes differ: run_001 has (10), run_011 has (10, 2)"},
		{"targets", []string{"1", "4"}, "run_001 and run_004 were trained on different targets"},
		{"no test", []string{"1", "5"}, "run_005 no_test has no test array"},
		{"no oof", []string{"1", "12"}, "run_012 no_oof has no oof array"},
		{"no target", []string{"1", "6"}, "run_006 no_target has no target array"},
		{"nan", []string{"1", "7"}, "run_007 nan: 2 OOF row(s) of 10 hold NaN or infinite predictions"},
		{"inf", []string{"1", "8"}, "run_008 inf_test: 1 TEST row(s) of 3 hold NaN or infinite predictions"},
		{"directions", []string{"1", "9", "--metric", "auc"}, "runs of opposite directions cannot be blended"},
		{"unknown metric", []string{"10"}, `kxrun cannot compute metric "gini"`},
		{"metric flag", []string{"1", "2", "--metric", "ndcg"}, `kxrun cannot compute metric "ndcg"`},
		{"mixed metrics", []string{"1", "10"}, "say which metric the blend optimises with --metric"},
		{"weights count", []string{"1", "2", "--method", "mean", "--weights", "1,2,3"}, "3 weights for 2 runs"},
		{"same run twice", []string{"1", "1"}, "run_001 is given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := kxrun(t, dir, append([]string{"ensemble", "--dir", "exp"}, tc.args...)...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, res.stderr)
			}
			after, err := os.ReadFile(csv)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Error("a refused blend changed runs.csv")
			}
		})
	}
	// The runs that can be blended are.
	mustKxrun(t, 0, dir, "ensemble", "--dir", "exp", "1", "2", "--method", "mean")
}

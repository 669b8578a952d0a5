package stats

import (
	"encoding/json"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

func TestCorrelationsHandComputed(t *testing.T) {
	// x = 1..5, y = 2,4,5,4,5: mean y 4, dx = -2..2, dy = -2,0,1,0,1,
	// Σdxdy = 4+0+0+0+2 = 6, Σdx² = 10, Σdy² = 6, r = 6/√60.
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 5, 4, 5}
	if got, want := Pearson(x, y), 6/math.Sqrt(60); math.Abs(got-want) > 1e-15 {
		t.Errorf("Pearson = %v, want %v", got, want)
	}
	// Ranks of y with ties: 1, 2.5, 4.5, 2.5, 4.5.
	if diff := cmp.Diff([]float64{1, 2.5, 4.5, 2.5, 4.5}, Ranks(y)); diff != "" {
		t.Errorf("Ranks (-want +got):\n%s", diff)
	}
	if got := Spearman([]float64{1, 2, 3}, []float64{30, 20, 10}); got != -1 {
		t.Errorf("Spearman of a reversed order = %v, want -1", got)
	}
	if !math.IsNaN(Pearson([]float64{1, 1, 1}, []float64{1, 2, 3})) {
		t.Error("Pearson with a constant must be NaN")
	}
}

func TestCorrelationsAgainstScipy(t *testing.T) {
	debpython.Require(t, "scipy")
	cases := [][2][]float64{
		{{0.81, 0.82, 0.815, 0.83, 0.80}, {0.79, 0.80, 0.805, 0.81, 0.78}},
		{{0.9, 0.91, 0.92, 0.93}, {0.88, 0.87, 0.86, 0.85}},
		{{1, 2, 2, 3, 3, 3, 4}, {5, 3, 3, 2, 8, 1, 0}},
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(debpython.Path, "-c", `
import json, sys
from scipy import stats
out = [[stats.pearsonr(x, y)[0], stats.spearmanr(x, y)[0]] for x, y in json.load(sys.stdin)]
print(json.dumps(out))`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want [][2]float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if got := Pearson(c[0], c[1]); math.Abs(got-want[i][0]) > 1e-12 {
			t.Errorf("case %d: Pearson %v, scipy %v", i, got, want[i][0])
		}
		if got := Spearman(c[0], c[1]); math.Abs(got-want[i][1]) > 1e-12 {
			t.Errorf("case %d: Spearman %v, scipy %v", i, got, want[i][1])
		}
	}
}

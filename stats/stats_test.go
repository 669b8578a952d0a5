package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/kxrun/kxrun/internal/debpython"
)

func TestHandComputed(t *testing.T) {
	tests := []struct {
		xs              []float64
		mean, pop, samp float64
	}{
		{[]float64{1, 2, 3, 4}, 2.5, math.Sqrt(1.25), math.Sqrt(5.0 / 3)},
		{[]float64{0.5}, 0.5, 0, math.NaN()},
		{[]float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 2, 0, 0},
	}
	for _, tt := range tests {
		if got := Mean(tt.xs); got != tt.mean {
			t.Errorf("Mean(%v) = %v, want %v", tt.xs, got, tt.mean)
		}
		if got := Std(tt.xs, 0); got != tt.pop {
			t.Errorf("Std(%v, 0) = %v, want %v", tt.xs, got, tt.pop)
		}
		if got := Std(tt.xs, 1); !(got == tt.samp || math.IsNaN(got) && math.IsNaN(tt.samp)) {
			t.Errorf("Std(%v, 1) = %v, want %v", tt.xs, got, tt.samp)
		}
	}
	if !math.IsNaN(Mean(nil)) {
		t.Error("Mean of nothing must be NaN")
	}
}

// TestBitIdenticalToNumpy asks numpy itself for the figures of random
// vectors of every length class and requires exact equality.
func TestBitIdenticalToNumpy(t *testing.T) {
	debpython.Require(t, "numpy")
	rng := rand.New(rand.NewPCG(1, 2))
	var vectors [][]float64
	for _, n := range []int{1, 2, 5, 7, 8, 9, 10, 15, 16, 17, 100, 128, 129, 300, 1000} {
		for range 5 {
			xs := make([]float64, n)
			scale := []float64{1, 1e-4, 1e6}[rng.IntN(3)]
			for i := range xs {
				xs[i] = 0.7 + rng.Float64()*scale
			}
			vectors = append(vectors, xs)
		}
	}
	in, _ := json.Marshal(vectors)
	script := `
import json, sys
import numpy as np
out = []
for v in json.load(sys.stdin):
    a = np.array(v, dtype=np.float64)
    out.append([a.mean(), a.std(), a.std(ddof=1) if len(v) > 1 else None])
print(json.dumps(out))
`
	cmd := exec.Command(debpython.Path, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want [][3]*float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, xs := range vectors {
		if got := Mean(xs); got != *want[i][0] {
			t.Errorf("n=%d: Mean %v, numpy %v", len(xs), got, *want[i][0])
		}
		if got := Std(xs, 0); got != *want[i][1] {
			t.Errorf("n=%d: Std ddof 0 %v, numpy %v", len(xs), got, *want[i][1])
		}
		if want[i][2] != nil {
			if got := Std(xs, 1); got != *want[i][2] {
				t.Errorf("n=%d: Std ddof 1 %v, numpy %v", len(xs), got, *want[i][2])
			}
		}
	}
}

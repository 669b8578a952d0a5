package npyfile

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kxrun/kxrun/internal/debpython"
)

// TestReadFloat64MatchesNumpy reads every accepted array of the numpy
// corpus and compares each value with numpy's own float64 conversion in C
// order.
func TestReadFloat64MatchesNumpy(t *testing.T) {
	debpython.Require(t, "numpy")
	var files []string
	matches, _ := filepath.Glob("testdata/npy/*.npy")
	for _, m := range matches {
		if _, err := Inspect(m); err == nil {
			files = append(files, m)
		}
	}
	script := `
import json, sys
import numpy as np
out = {}
for path in sys.argv[1:]:
    a = np.load(path).astype(np.float64).ravel(order="C")
    # Exact values as hex strings (JSON has no NaN or infinities).
    out[path] = [float(x).hex() for x in a]
print(json.dumps(out))
`
	out, err := exec.Command(debpython.Path, append([]string{"-c", script}, files...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d accepted fixtures", len(files))
	}
	for _, f := range files {
		got, _, err := ReadFloat64(f, 0)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(got) != len(want[f]) {
			t.Errorf("%s: %d values, numpy %d", f, len(got), len(want[f]))
			continue
		}
		for i, g := range got {
			w, err := strconv.ParseFloat(want[f][i], 64)
			if err != nil {
				t.Fatal(err)
			}
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("%s[%d] = %v, numpy %v", f, i, g, w)
				break
			}
		}
	}
}

func TestReadFloat64RefusesTooLarge(t *testing.T) {
	if _, _, err := ReadFloat64("testdata/npy/f64_1d.npy", 10); err == nil || !strings.Contains(err.Error(), "more than the 10") {
		t.Errorf("err = %v", err)
	}
}

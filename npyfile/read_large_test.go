package npyfile

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// TestReadFloat64LargeMatchesNumpy covers what the small corpus cannot:
// arrays spanning many read chunks, with items and Fortran lines crossing
// chunk boundaries. numpy writes each array and its float64 values in C
// order as raw little-endian bytes; ReadFloat64 must give the same bits.
func TestReadFloat64LargeMatchesNumpy(t *testing.T) {
	debpython.Require(t, "numpy")
	dir := t.TempDir()
	script := `
import sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(11)
arrays = {
    "f8": rng.random(100_003),
    "f8_be_fortran_3d": np.asfortranarray(rng.random((301, 7, 31))).astype(">f8"),
    "f4_fortran": np.asfortranarray(rng.random((20_001, 3)).astype(np.float32)),
    "f4_be": rng.random(70_001).astype(">f4"),
    "f2_fortran": np.asfortranarray(rng.random((9_000, 11)).astype(np.float16)),
    "i2_fortran": np.asfortranarray(rng.integers(-30_000, 30_000, size=(50_001, 3)).astype(np.int16)),
    "u8": rng.integers(0, 2**64 - 1, size=40_000, dtype=np.uint64),
    "bool_fortran": np.asfortranarray(rng.random((300_007, 2)) < 0.5),
    "f8_fortran_one_row": np.asfortranarray(rng.random((1, 40_000))),
}
arrays["f8"][17] = np.nan
for name, a in arrays.items():
    np.save(f"{out}/{name}.npy", a)
    a.astype("<f8").ravel(order="C").tofile(f"{out}/{name}.f8")
`
	if out, err := exec.Command(debpython.Path, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.npy"))
	if len(matches) != 9 {
		t.Fatalf("numpy wrote %d arrays", len(matches))
	}
	for _, path := range matches {
		raw, err := os.ReadFile(path[:len(path)-len(".npy")] + ".f8")
		if err != nil {
			t.Fatal(err)
		}
		got, info, err := ReadFloat64(path, 0)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if info.SHA256 != "" {
			t.Errorf("%s: ReadFloat64 hashed the file", path)
		}
		if len(got)*8 != len(raw) {
			t.Errorf("%s: %d values, numpy %d", path, len(got), len(raw)/8)
			continue
		}
		for i, g := range got {
			w := math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("%s[%d] = %v, numpy %v", filepath.Base(path), i, g, w)
				break
			}
		}
	}
}

// TestReadFloat64ValidatesLikeInspect: every file of the corpus Inspect
// refuses, ReadFloat64 refuses with the same error, and for the others it
// reports the same Info but for the hash.
func TestReadFloat64ValidatesLikeInspect(t *testing.T) {
	for _, e := range loadManifest(t) {
		path := filepath.Join("testdata", filepath.FromSlash(e.File))
		want, werr := Inspect(path)
		_, got, err := ReadFloat64(path, 0)
		if (werr == nil) != (err == nil) || (werr != nil && werr.Error() != err.Error()) {
			t.Errorf("%s: ReadFloat64 error %v, Inspect %v", path, err, werr)
			continue
		}
		want.SHA256 = ""
		if diff := cmp.Diff(want, got); werr == nil && diff != "" {
			t.Errorf("%s: ReadFloat64 info differs from Inspect's (-Inspect +ReadFloat64):\n%s", path, diff)
		}
	}
}

package npyfile

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// writeScript saves arrays with numpy and prints what numpy says about them.
const writeScript = `
import json, os, sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(7)
oof = rng.random((257, 4))
oof[3, 1] = np.nan
arrays = {
    "oof_f64": oof,
    "oof_f32_fortran": np.asfortranarray(oof.astype(np.float32)),
    "pred_f16": rng.random(100).astype(np.float16),
    "pred_be_f8": rng.random(64).astype(">f8"),
    "labels_i64": rng.integers(0, 5, size=300),
    "labels_be_i4": rng.integers(-9, 9, size=(10, 3)).astype(">i4"),
    "mask_bool": rng.random(77) < 0.3,
    "u8": rng.integers(0, 255, size=(4, 4, 4)).astype(np.uint8),
    "u16": np.arange(1000, dtype=np.uint16),
    "u32_be": np.arange(9, dtype=">u4"),
    "u64": np.array([0, 2**63, 2**64 - 1], dtype=np.uint64),
    "i8": np.arange(-128, 128, dtype=np.int8),
    "i16": np.arange(-300, 300, 7, dtype=np.int16),
    "empty": np.zeros((0, 3)),
    "scalar": np.array(-0.0),
}
report = {}
for name, a in arrays.items():
    np.save(os.path.join(out, name + ".npy"), a)
    report[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
json.dump(report, sys.stdout)
`

// verifyScript has numpy confirm each copy is bit-identical to its source.
const verifyScript = `
import sys
import numpy as np
out = sys.argv[1]
for name in sys.argv[2:]:
    src, dst = (f"{out}/{name}{suffix}.npy" for suffix in ("", ".copy"))
    a, b = np.load(src), np.load(dst)
    assert a.dtype == b.dtype and a.shape == b.shape, name
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    assert a.tobytes() == b.tobytes(), name
    assert open(src, "rb").read() == open(dst, "rb").read(), name
print("verified", len(sys.argv) - 2)
`

func TestNumpyRoundTrip(t *testing.T) {
	debpython.Require(t, "numpy")
	dir := t.TempDir()
	out, err := exec.Command(debpython.Path, "-c", writeScript, dir).Output()
	if err != nil {
		t.Fatalf("numpy write script: %v\n%s", err, stderr(err))
	}
	var report map[string]struct {
		Dtype   string `json:"dtype"`
		Shape   []int  `json:"shape"`
		Fortran bool   `json:"fortran"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name, want := range report {
		names = append(names, name)
		src := filepath.Join(dir, name+".npy")
		info, err := Inspect(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := []any{info.Dtype, info.Shape, info.FortranOrder}
		if diff := cmp.Diff([]any{want.Dtype, want.Shape, want.Fortran}, got); diff != "" {
			t.Errorf("%s: Inspect vs numpy (-numpy +Inspect):\n%s", name, diff)
		}
		sum, err := Copy(src, filepath.Join(dir, name+".copy.npy"))
		if err != nil {
			t.Fatalf("%s: Copy: %v", name, err)
		}
		if sum != info.SHA256 {
			t.Errorf("%s: Copy sha %s != Inspect sha %s", name, sum, info.SHA256)
		}
	}
	args := append([]string{"-c", verifyScript, dir}, names...)
	if out, err := exec.Command(debpython.Path, args...).CombinedOutput(); err != nil {
		t.Fatalf("numpy says the copies differ: %v\n%s", err, out)
	} else {
		t.Log(strings.TrimSpace(string(out)))
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestMakeFixturesUpToDate regenerates the corpus in a scratch copy and
// checks it matches what is checked in, so an edit to make_fixtures.py
// cannot drift from the files the other tests read. It only runs where the
// installed numpy is the one that wrote the manifest: other versions may
// legitimately pad headers differently.
func TestMakeFixturesUpToDate(t *testing.T) {
	debpython.Require(t, "numpy")
	ver, err := exec.Command(debpython.Path, "-c", "import numpy; print(numpy.__version__)").Output()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		NumpyVersion string `json:"numpy_version"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.NumpyVersion != strings.TrimSpace(string(ver)) {
		t.Skipf("manifest written by numpy %s, installed is %s", m.NumpyVersion, strings.TrimSpace(string(ver)))
	}
	scratch := t.TempDir()
	script, err := os.ReadFile(filepath.Join("testdata", "make_fixtures.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "make_fixtures.py"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(debpython.Path, filepath.Join(scratch, "make_fixtures.py")).CombinedOutput(); err != nil {
		t.Fatalf("make_fixtures.py: %v\n%s", err, out)
	}
	fresh, err := os.ReadFile(filepath.Join(scratch, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(raw), string(fresh)); diff != "" {
		t.Errorf("testdata is stale; rerun /usr/bin/python3 npyfile/testdata/make_fixtures.py (-checked in +fresh):\n%s", diff)
	}
}

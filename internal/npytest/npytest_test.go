package npytest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/internal/debpython"
	"github.com/kxrun/kxrun/internal/npytest"
)

// numpy is the reference: what npytest writes must load in numpy with the
// same values, and numpy.save of the same values must give the same bytes.
func TestMatchesNumpy(t *testing.T) {
	debpython.Require(t, "numpy")
	for _, values := range [][]float64{{}, {0.5}, {1, -2.25, 3e300, 0}, make([]float64, 100)} {
		dir := t.TempDir()
		got := filepath.Join(dir, "got.npy")
		if err := npytest.WriteFloat64(got, values); err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, "want.npy")
		script := `import numpy, sys
a = numpy.load(sys.argv[1])
assert a.dtype == numpy.float64 and a.ndim == 1, (a.dtype, a.shape)
numpy.save(sys.argv[2], a)`
		if out, err := exec.Command(debpython.Path, "-c", script, got, want).CombinedOutput(); err != nil {
			t.Fatalf("numpy rejects %v: %v\n%s", values, err, out)
		}
		g, _ := os.ReadFile(got)
		w, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		if string(g) != string(w) {
			t.Errorf("%d values: bytes differ from numpy.save\n got %q\nwant %q", len(values), g, w)
		}
	}
}

func TestWriteHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.npy")
	n, err := npytest.WriteHeader(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if int64(len(data)) != n || n%64 != 0 {
		t.Errorf("header is %d bytes, reported %d; want a multiple of 64", len(data), n)
	}
}

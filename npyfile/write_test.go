package npyfile

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

func TestWriteFloat64(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		values []float64
		shape  []int
	}{
		{"1d", []float64{0.1, -2, math.MaxFloat64, 5e-324}, []int{4}},
		{"2d", []float64{1, 2, 3, 4, 5, 6}, []int{3, 2}},
		{"empty", nil, []int{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".npy")
			if err := WriteFloat64(path, tc.values, tc.shape); err != nil {
				t.Fatal(err)
			}
			got, info, err := ReadFloat64(path, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.shape, info.Shape); diff != "" {
				t.Error(diff)
			}
			if len(tc.values) > 0 {
				if diff := cmp.Diff(tc.values, got); diff != "" {
					t.Error(diff)
				}
			}
			if err := WriteFloat64(path, tc.values, tc.shape); err == nil {
				t.Error("an existing file was overwritten")
			}
			if debpython.Missing("numpy") == "" {
				script := "import numpy,sys; a=numpy.load(sys.argv[1]); assert a.dtype == numpy.float64 and a.shape == tuple(map(int, sys.argv[2:])), (a.dtype, a.shape); print(a.ravel().tolist())"
				args := []string{"-c", script, path}
				for _, d := range tc.shape {
					args = append(args, fmt.Sprint(d))
				}
				out, err := exec.Command(debpython.Path, args...).CombinedOutput()
				if err != nil {
					t.Fatalf("numpy.load: %v\n%s", err, out)
				}
			}
		})
	}
	if err := WriteFloat64(filepath.Join(dir, "bad.npy"), []float64{1}, []int{2}); err == nil {
		t.Error("a shape mismatch was accepted")
	}
}

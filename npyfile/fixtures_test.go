package npyfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// manifestEntry is what testdata/make_fixtures.py recorded from numpy.
type manifestEntry struct {
	File         string `json:"file"`
	Descr        string `json:"descr"`
	Dtype        string `json:"dtype"`
	Shape        []int  `json:"shape"`
	FortranOrder bool   `json:"fortran_order"`
	Version      string `json:"version"`
	HeaderLen    int64  `json:"header_len"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	Reject       string `json:"reject"` // non-empty: Inspect must fail with this in the reason
}

func loadManifest(t testing.TB) []manifestEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []manifestEntry `json:"files"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Files) == 0 {
		t.Fatal("manifest lists no files")
	}
	return m.Files
}

// TestFixtures checks Inspect against what numpy itself reported for each
// file of the checked-in corpus.
func TestFixtures(t *testing.T) {
	for _, e := range loadManifest(t) {
		t.Run(strings.TrimSuffix(filepath.Base(e.File), ".npy"), func(t *testing.T) {
			path := filepath.Join("testdata", filepath.FromSlash(e.File))
			got, err := Inspect(path)
			if e.Reject != "" {
				var ne *Error
				if !errors.As(err, &ne) {
					t.Fatalf("Inspect = %+v, %v; want *Error containing %q", got, err, e.Reject)
				}
				if ne.Path != path || !strings.Contains(ne.Reason, e.Reject) {
					t.Fatalf("error %q: want path %q and reason containing %q", err, path, e.Reject)
				}
				return
			}
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			want := Info{
				Descr:        e.Descr,
				Dtype:        e.Dtype,
				Shape:        e.Shape,
				FortranOrder: e.FortranOrder,
				Version:      e.Version,
				HeaderLen:    e.HeaderLen,
				Size:         e.Size,
				SHA256:       e.SHA256,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Inspect mismatch vs numpy (-numpy +Inspect):\n%s", diff)
			}
			if got.Shape == nil {
				t.Error("Shape is nil; want a non-nil slice")
			}
		})
	}
}

// TestFixtureCoverage guards against the corpus silently losing a case it
// must cover when make_fixtures.py is edited.
func TestFixtureCoverage(t *testing.T) {
	have := map[string]bool{}
	for _, e := range loadManifest(t) {
		have[strings.TrimSuffix(filepath.Base(e.File), ".npy")] = true
	}
	for _, name := range []string{
		"f32_1d", "f64_1d", "f16_1d", "i64_1d", "i8_1d", "u16_1d", "bool_1d",
		"f64_oof_100x3", "f32_2d_fortran", "f64_be", "i32_be_2d", "empty_f64", "empty_3x0_f32",
		"scalar_f64", "object", "unicode", "bytes", "structured", "complex128", "datetime64",
		"f64_v2", "f32_v3", "longdouble",
	} {
		if !have[name] {
			t.Errorf("corpus lacks %s.npy", name)
		}
	}
}

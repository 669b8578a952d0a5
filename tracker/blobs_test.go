package tracker

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/npyfile"
)

// Runs that share their labels keep one copy of them, named by its hash;
// different labels get different files, and the caller's files stay.
func TestLabelsKeptOnceByContent(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	src := t.TempDir()
	y1, y2 := filepath.Join(src, "y1.npy"), filepath.Join(src, "y2.npy")
	npytest.Write(t, y1, []float64{0, 1, 1, 0})
	npytest.Write(t, y2, []float64{1, 1, 1, 0, 1})
	commit := func(name, path string) *Record {
		info, err := npyfile.Inspect(path)
		if err != nil {
			t.Fatal(err)
		}
		rec := sampleRecord(name, 0.5)
		if _, err := tr.Commit(rec, Files{Artifacts: []ArtifactFile{{Kind: "target", Path: path, Info: info}}}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a, b, c := commit("a", y1), commit("b", y1), commit("c", y2)
	if a.Artifacts["target"].Path != b.Artifacts["target"].Path {
		t.Errorf("same labels, two paths: %s, %s", a.Artifacts["target"].Path, b.Artifacts["target"].Path)
	}
	if a.Artifacts["target"].Path == c.Artifacts["target"].Path {
		t.Errorf("different labels share %s", a.Artifacts["target"].Path)
	}
	if want := BlobPath(a.Artifacts["target"].SHA256); a.Artifacts["target"].Path != want {
		t.Errorf("path %s, want %s", a.Artifacts["target"].Path, want)
	}
	entries, err := os.ReadDir(filepath.Join(tr.Dir, "artifacts", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("artifacts/sha256 holds %d files, want 2", len(entries))
	}
	for _, rec := range []*Record{a, b, c} {
		got, err := npyfile.Inspect(filepath.Join(tr.Dir, rec.Artifacts["target"].Path))
		if err != nil || got.SHA256 != rec.Artifacts["target"].SHA256 {
			t.Errorf("%s: kept labels %v, sha %s, want %s", rec.Name, err, got.SHA256, rec.Artifacts["target"].SHA256)
		}
		d, err := tr.Details(rec.RunID)
		if err != nil || d.Artifacts["target"].SHA256 != rec.Artifacts["target"].SHA256 {
			t.Errorf("%s: details do not record the labels' hash (%v)", rec.Name, err)
		}
	}
	for _, p := range []string{y1, y2} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the caller's %s is gone: %v", p, err)
		}
	}
}

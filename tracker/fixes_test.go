package tracker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommitWithoutItsLog: a trainer that deletes $KXRUN_RUN_DIR/.. takes
// its log with it. The commit failed ("sync log: ... no such file"), which
// stopped the whole sweep and cancelled every other run; now the run is
// kept without a log.
func TestCommitWithoutItsLog(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	rec := sampleRecord("r", 0.5)
	if _, err := tr.Commit(rec, Files{Log: filepath.Join(t.TempDir(), "gone", "output.log")}); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if rec.Log != "" {
		t.Errorf("the record names a log %q that does not exist", rec.Log)
	}
	rows, _, err := tr.Runs()
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	stored, err := tr.Details(rows[0].RunID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Log != "" {
		t.Errorf("the details on disk name a log %q that does not exist", stored.Log)
	}
}

// TestCommitFailsWhenLogsDirIsGone: a missing destination is an error, not
// a run whose trainer deleted its log.
func TestCommitFailsWhenLogsDirIsGone(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	log := filepath.Join(t.TempDir(), "output.log")
	if err := os.WriteFile(log, []byte("epoch 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, logsDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Commit(sampleRecord("r", 0.5), Files{Log: log}); err == nil || !strings.Contains(err.Error(), "keep log") {
		t.Fatalf("commit: %v, want an error keeping the log", err)
	}
	if _, err := os.Stat(log); err != nil {
		t.Errorf("the log was lost: %v", err)
	}
}

// TestWriteReportShortensLongNames: a plan named with 250 characters made
// `kxrun ablation` fail at the very end ("file name too long"), after
// every run, with exit status 3.
func TestWriteReportShortensLongNames(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	name := "2026-01-01_" + strings.Repeat("é", 150) + "_ablation.md"
	path, err := tr.WriteReport(name, []byte("# report\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	if len(base) > maxReportName || !strings.HasSuffix(base, ".md") || !strings.HasPrefix(name, strings.TrimSuffix(base, ".md")) {
		t.Errorf("report written as %q", base)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "# report\n" {
		t.Errorf("report: %q, %v", data, err)
	}
	if short, _ := tr.WriteReport("x.md", nil); filepath.Base(short) != "x.md" {
		t.Errorf("a short name changed: %s", short)
	}
}

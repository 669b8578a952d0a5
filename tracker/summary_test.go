package tracker

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// A new process logs a run without reading the history: it finds the last
// number and the runs to compare with in the summary. Shown by damaging
// an old row in place (same size and time): a full read would fail.
func TestNewProcessCommitsFromTheSummary(t *testing.T) {
	dir := t.TempDir()
	commitN(t, mustOpen(t, dir), "a", "b", "c")
	path := mustOpen(t, dir).CSVPath()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	first := bytes.IndexByte(data, '\n') + 1
	data[first] = '"' // an unbalanced quote: the rest is one field
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if rows, _, err := mustOpen(t, dir).Runs(); err == nil && len(rows) == 3 {
		t.Fatal("the damaged row went unnoticed by a full read: the test proves nothing")
	}

	rec := sampleRecord("d", 0.9)
	nb, err := mustOpen(t, dir).Commit(rec, Files{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.RunID != "run_004" || nb.Previous == nil || nb.Previous.RunID != "run_003" || nb.Baseline == nil || nb.Baseline.Name != "a" {
		t.Errorf("got %s, previous %+v, baseline %+v", rec.RunID, nb.Previous, nb.Baseline)
	}
}

// The summary is not trusted once runs.csv changed without it: a rewrite
// (an LB score set), an append by a process that did not update it, a new
// baseline.
func TestStaleSummaryIsNotUsed(t *testing.T) {
	dir := t.TempDir()
	commitN(t, mustOpen(t, dir), "a", "b")
	if _, err := mustOpen(t, dir).SetLB("run_002", fp(0.77)); err != nil {
		t.Fatal(err)
	}
	nb, err := mustOpen(t, dir).Commit(sampleRecord("c", 0.5), Files{})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Previous == nil || nb.Previous.LBScore == nil || *nb.Previous.LBScore != 0.77 {
		t.Errorf("previous run %+v: the LB score set since is missing", nb.Previous)
	}

	// An append the summary does not know of.
	tr := mustOpen(t, dir)
	summary, _ := os.ReadFile(tr.summaryPath())
	commitN(t, tr, "d")
	os.WriteFile(tr.summaryPath(), summary, 0o644)
	rec := sampleRecord("e", 0.5)
	nb, err = mustOpen(t, dir).Commit(rec, Files{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.RunID != "run_005" || nb.Previous.Name != "d" {
		t.Errorf("got %s after %s", rec.RunID, nb.Previous.Name)
	}

	if _, err := mustOpen(t, dir).SetBaseline("run_002"); err != nil {
		t.Fatal(err)
	}
	nb, err = mustOpen(t, dir).Commit(sampleRecord("f", 0.5), Files{})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Baseline == nil || nb.Baseline.RunID != "run_002" {
		t.Errorf("baseline %+v, want run_002", nb.Baseline)
	}
}

// Commits in quick succession leave the summary behind (it is rewritten at
// most every summaryEvery); Flush brings it up to date, and until then a
// new process does not trust it.
func TestFlushWritesTheLastSummary(t *testing.T) {
	defer func(d time.Duration) { summaryEvery = d }(summaryEvery)
	summaryEvery = time.Hour // however slow the machine
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := tr.Commit(sampleRecord(name, 0.5), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	fresh := mustOpen(t, dir)
	fi, err := os.Stat(fresh.CSVPath())
	if err != nil {
		t.Fatal(err)
	}
	if fresh.loadSummary(fi) {
		t.Fatal("the summary of run_001 was taken for a runs.csv of 3 runs")
	}
	if err := tr.Flush(); err != nil {
		t.Fatal(err)
	}
	fresh = mustOpen(t, dir)
	if !fresh.loadSummary(fi) || fresh.seen.lastNum != 3 || fresh.seen.lastOK == nil || fresh.seen.lastOK.Name != "c" {
		t.Errorf("after Flush: last number %d, last ok %+v", fresh.seen.lastNum, fresh.seen.lastOK)
	}
}

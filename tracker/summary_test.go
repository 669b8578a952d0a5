package tracker

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// The summary keeps the last ok run of the plans run most recently only:
// its size, and a commit's cost, do not grow with the number of plans. A
// run of an older plan is still compared with that plan's previous run.
func TestSummaryKeepsRecentPlans(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	nPlans := summaryPlans + 40
	for i := range nPlans {
		rec := sampleRecord(fmt.Sprintf("r%d", i), 0.5)
		rec.Plan = fmt.Sprintf("plan%03d", i)
		if _, err := tr.Commit(rec, Files{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Flush(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(tr.summaryPath())
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.LastOKOfPlan) != summaryPlans || !s.PlansDropped {
		t.Fatalf("summary keeps %d plans (dropped: %v), want the %d most recent", len(s.LastOKOfPlan), s.PlansDropped, summaryPlans)
	}
	if _, ok := s.LastOKOfPlan[fmt.Sprintf("plan%03d", nPlans-1)]; !ok {
		t.Errorf("the most recent plan is not kept: %v", s.LastOKOfPlan)
	}

	for _, tc := range []struct{ plan, previous string }{
		{"plan000", "r0"}, // dropped from the summary: runs.csv is read
		{fmt.Sprintf("plan%03d", nPlans-1), fmt.Sprint("r", nPlans-1)}, // kept
	} {
		rec := sampleRecord("new_"+tc.plan, 0.6)
		rec.Plan = tc.plan
		nb, err := mustOpen(t, dir).Commit(rec, Files{})
		if err != nil {
			t.Fatal(err)
		}
		if nb.Previous == nil || nb.Previous.Name != tc.previous {
			t.Errorf("%s: previous run %+v, want %s", tc.plan, nb.Previous, tc.previous)
		}
	}
}

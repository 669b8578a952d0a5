package tracker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/npyfile"
)

// A batch numbers and compares its runs as commits one by one would.
func TestCommitBatchIsLikeCommitsInTurn(t *testing.T) {
	one, batch := mustOpen(t, t.TempDir()), mustOpen(t, t.TempDir())
	cvs := []float64{0.70, 0.60, 0.75, 0.72}
	status := []string{"ok", "failed", "ok", "ok"}
	mk := func(i int) *Record {
		rec := sampleRecord("r"+string(rune('a'+i)), cvs[i])
		rec.Status = status[i]
		if status[i] != "ok" {
			rec.CVScore, rec.CVStd, rec.CVScores = nil, nil, nil
		}
		return rec
	}
	// One run first, so that the batch has a history to compare with.
	for _, tr := range []*Tracker{one, batch} {
		if _, err := tr.Commit(mk(0), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	var want []Neighbours
	for i := 1; i < len(cvs); i++ {
		nb, err := one.Commit(mk(i), Files{})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, nb)
	}
	var pending []Pending
	for i := 1; i < len(cvs); i++ {
		pending = append(pending, Pending{Record: mk(i), Files: Files{}})
	}
	got, err := batch.CommitBatch(pending)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(nbs []Neighbours) (out []string) {
		for _, nb := range nbs {
			prev, base := "", ""
			if nb.Previous != nil {
				prev = nb.Previous.RunID
			}
			if nb.Baseline != nil {
				base = nb.Baseline.RunID
			}
			out = append(out, prev+"/"+base)
		}
		return out
	}
	if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
		t.Errorf("neighbours (-one by one +batch):\n%s", diff)
	}
	csvOf := func(tr *Tracker) string {
		data, err := os.ReadFile(tr.CSVPath())
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if diff := cmp.Diff(csvOf(one), csvOf(batch)); diff != "" {
		t.Errorf("runs.csv (-one by one +batch):\n%s", diff)
	}
	for i, p := range pending {
		if want := FormatID(i + 2); p.Record.RunID != want {
			t.Errorf("run %d got id %s, want %s", i, p.Record.RunID, want)
		}
	}
}

// A run whose files cannot be kept stops the batch there: the runs before
// it are committed, it and those after are not, and the next commit
// carries on without reusing an id.
func TestCommitBatchFailureKeepsTheRunsBefore(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	good := filepath.Join(t.TempDir(), "oof.npy")
	npytest.Write(t, good, []float64{1, 2, 3})
	info, err := npyfile.Inspect(good)
	if err != nil {
		t.Fatal(err)
	}
	gone := ArtifactFile{Kind: "oof", Path: filepath.Join(t.TempDir(), "gone.npy"), Move: true, Info: info}
	pending := []Pending{
		{Record: sampleRecord("first", 0.5), Files: Files{Artifacts: []ArtifactFile{{Kind: "oof", Path: good, Move: true, Info: info}}}},
		{Record: sampleRecord("broken", 0.6), Files: Files{Artifacts: []ArtifactFile{gone}}},
		{Record: sampleRecord("after", 0.7)},
	}
	nbs, err := tr.CommitBatch(pending)
	if err == nil || !strings.Contains(err.Error(), "keep oof of run_002") {
		t.Fatalf("want the broken run's error, got %v", err)
	}
	if len(nbs) != 1 {
		t.Fatalf("want 1 run committed, got %d", len(nbs))
	}
	rows, _, err := mustOpen(t, dir).Runs()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "first" {
		t.Fatalf("rows after the failed batch: %+v", rows)
	}
	if sha(t, filepath.Join(dir, pending[0].Record.Artifacts["oof"].Path)) != info.SHA256 {
		t.Error("the committed run's array is not the one validated")
	}
	rec := sampleRecord("later", 0.8)
	if _, err := tr.Commit(rec, Files{}); err != nil {
		t.Fatal(err)
	}
	if rec.RunID != "run_003" {
		t.Errorf("the next run got %s; run_002 was handed out (its details exist) and must not be reused", rec.RunID)
	}
}

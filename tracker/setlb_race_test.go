package tracker

import (
	"sync"
	"testing"
)

// TestSetLBAtOnceKeepsDetailsInStep runs SetLB on one run from three
// trackers (as three `kxrun lb` processes would) at the same moment, again
// and again: the score in runs.csv and the one in the details must agree
// after every round. The details used to be written after the lock was
// released, so that one process's score could end in runs.csv and
// another's in the details.
func TestSetLBAtOnceKeepsDetailsInStep(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	if _, err := tr.Commit(sampleRecord("r", 0.5), Files{}); err != nil {
		t.Fatal(err)
	}
	trackers := []*Tracker{mustOpen(t, dir), mustOpen(t, dir), mustOpen(t, dir)}
	for round := range 100 {
		var wg sync.WaitGroup
		for i, x := range trackers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := x.SetLB("run_001", fp(float64(round*10+i))); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		rows, _, err := tr.Runs()
		if err != nil {
			t.Fatal(err)
		}
		rec, err := tr.Details("run_001")
		if err != nil {
			t.Fatal(err)
		}
		if *rows[0].LBScore != *rec.LBScore {
			t.Fatalf("round %d: runs.csv has LB %v, the details %v", round, *rows[0].LBScore, *rec.LBScore)
		}
	}
}

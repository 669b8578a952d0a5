package ui

import (
	"fmt"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/tracker"
)

// The state follows runs.csv: appended rows are added, a rewrite is read
// again, and a snapshot taken before stays as it was.
func TestFollow(t *testing.T) {
	tr := fixture(t)
	s, ts := newTestServer(t, tr, Options{})
	before := s.state.snapshot()
	n := len(before.rows)
	for i := range 3 {
		commit(t, tr, &tracker.Record{Name: fmt.Sprint("new_", i), Source: "log", Status: "ok", Metric: "auc", Features: []string{"x"}, CVScores: folds(0.7, 50+i)})
	}
	if got := len(s.state.snapshot().rows); got != n {
		t.Fatalf("rows changed without a refresh: %d", got)
	}
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	after := s.state.snapshot()
	if len(after.rows) != n+3 || after.rows[n+2].Name != "new_2" || after.gen == before.gen {
		t.Fatalf("after appends: %d rows, gen %d→%d", len(after.rows), before.gen, after.gen)
	}
	if len(before.rows) != n {
		t.Error("an old snapshot changed")
	}
	if _, err := after.find("new_1"); err != nil {
		t.Error(err)
	}
	if _, err := tr.SetLB("new_1", fptr(0.66)); err != nil {
		t.Fatal(err)
	}
	s.Refresh()
	r, err := s.state.snapshot().find("new_1")
	if err != nil || r.LBScore == nil || *r.LBScore != 0.66 {
		t.Fatalf("after a rewrite: %v %v", r, err)
	}
	if got := cells(t, mustGet(t, ts, "/?q=new_1"), "runs"); len(got) != 1 || got[0][8] != "0.66000" {
		t.Errorf("page after a rewrite: %q", got)
	}
	want := readRows(t, tr)
	if d := gocmp.Diff(want, s.state.snapshot().rows); d != "" {
		t.Errorf("the followed rows differ from runs.csv: %s", d)
	}
}

func TestConfigOf(t *testing.T) {
	seed := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name string
		seed *int64
		want string
	}{
		{"demo_all_s42", seed(42), "demo_all"},
		{"demo_minus_family_sm5", seed(-5), "demo_minus_family"},
		{"manual_run", nil, "manual_run"},
		{"tuned_s7", seed(8), "tuned_s7"},
		{"_s1", seed(1), "_s1"},
	} {
		if got := configOf(&tracker.Row{Name: tc.name, Seed: tc.seed}); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

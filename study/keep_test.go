package study

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/tracker"
)

// With KXRUN_STUDY_TRAINER set, the test binary is a trainer: it writes
// its OOF array to one fixed path of the workdir (as many scripts do),
// every value its seed, and declares it.
func TestMain(m *testing.M) {
	if os.Getenv("KXRUN_STUDY_TRAINER") == "fixed-path-oof" {
		seed, _ := strconv.Atoi(os.Getenv("KXRUN_SEED"))
		values := make([]float64, 1000)
		for i := range values {
			values[i] = float64(seed)
		}
		if err := npytest.WriteFloat64("oof.npy", values); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(`{"cv_scores": [0.5, 0.6], "oof": "oof.npy"}`)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Runs are committed in the background while the next ones go: an array a
// trainer leaves at a fixed path outside its run directory must be kept as
// that run wrote it, not as the next run rewrote it before the commit.
func TestArrayAtAFixedPathIsKeptPerRun(t *testing.T) {
	exe, _ := os.Executable()
	seeds := []string{}
	for i := 1; i <= 12; i++ {
		seeds = append(seeds, strconv.Itoa(i))
	}
	p := parsePlan(t, fmt.Sprintf(`name: fixed
command: [%q]
env: {KXRUN_STUDY_TRAINER: fixed-path-oof, GORACE: atexit_sleep_ms=0}
jobs: 1
seeds: [%s]
base_features: [a]
`, exe, strings.Join(seeds, ", ")))
	tr, err := tracker.Open(filepath.Join(t.TempDir(), "exp"))
	if err != nil {
		t.Fatal(err)
	}
	finished, err := runSweep(context.Background(), Options{Plan: p, Tracker: tr, Workdir: t.TempDir(), Jobs: 1}, p.Runs())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range finished {
		rec := f.Record
		if rec.Status != "ok" {
			t.Fatalf("%s: %s (%s)", rec.Name, rec.Status, rec.Reason)
		}
		values, _, err := npyfile.ReadFloat64(filepath.Join(tr.Dir, rec.Artifacts["oof"].Path), 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(*rec.Seed); values[0] != want || values[len(values)-1] != want {
			t.Errorf("%s (seed %d) kept an OOF of seed %v", rec.RunID, *rec.Seed, values[0])
		}
	}
}

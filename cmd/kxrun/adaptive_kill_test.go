package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const killPlan = `name: resume
command: [faketrainer, noisy]
seeds: [11, 12, 13]
jobs: 2
min_gain: 0.003
env: {FAKE_NOISE: "0.001", FAKE_SLEEP: 60ms}
base_features: [b1]
feature_groups:
  strong: [strong_1]
  weak: [weak_1]
  junk: [junk_1]
adaptive: {looks: [3, 5, 8]}
`

// adaptiveResult is what must not change when a sweep is killed and rerun.
type adaptiveResult struct {
	Total    int `json:"runs_total"`
	Adaptive struct {
		Stopped     string `json:"stopped"`
		LooksDone   int    `json:"looks_done"`
		Comparisons []struct {
			Variant     string `json:"variant"`
			Verdict     string `json:"verdict"`
			SettledLook int    `json:"settled_look"`
			Seeds       int    `json:"seeds"`
			Tests       []json.RawMessage
		} `json:"comparisons"`
	} `json:"adaptive"`
}

// TestAdaptiveKillResume kills kxrun with SIGKILL in the middle of an
// adaptive sweep (after the first look, while the second look's runs
// go), reruns it, and checks that every run is logged exactly once and
// that the verdicts, looks and tests are those of an uninterrupted sweep
// of the same plan.
func TestAdaptiveKillResume(t *testing.T) {
	bin, path := installCommands(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plan.yaml"), []byte(killPlan), 0o644)
	env := append(os.Environ(), "PATH="+path, "GORACE=atexit_sleep_ms=0")
	kxrun := func(args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, "kxrun"), args...)
		cmd.Dir, cmd.Env = dir, env
		return cmd
	}
	sweep := func(tracker string) adaptiveResult {
		t.Helper()
		cmd := kxrun("ablation", "plan.yaml", "--adaptive", "--json", "--dir", tracker)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kxrun: %v\n%s", err, stderr.String())
		}
		var r adaptiveResult
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := sweep("whole")

	csvPath := filepath.Join(dir, "killed", "runs.csv")
	cmd := kxrun("ablation", "plan.yaml", "--adaptive", "--dir", "killed")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first look is 24 runs; kill once the second look's runs are
	// being logged.
	deadline := time.Now().Add(60 * time.Second)
	for len(csvRows(t, csvPath)) < 26 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the sweep did not reach its second look in 60 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before := len(csvRows(t, csvPath))
	if before >= want.Total {
		t.Fatalf("killed after %d of %d runs: too late to test a resume", before, want.Total)
	}
	time.Sleep(200 * time.Millisecond) // orphaned trainers finish; their runs were not logged

	got := sweep("killed")
	if diff := cmp.Diff(want.Adaptive, got.Adaptive); diff != "" {
		t.Errorf("resumed sweep differs from the uninterrupted one (-whole +resumed):\n%s", diff)
	}
	names := map[string]int{}
	for _, row := range csvRows(t, csvPath) {
		names[row]++
	}
	for name, n := range names {
		if n != 1 {
			t.Errorf("run %s is logged %d times", name, n)
		}
	}
	if len(names) != want.Total {
		t.Errorf("%d runs logged after the resume, the uninterrupted sweep made %d", len(names), want.Total)
	}
	t.Logf("killed after %d runs; the rerun made %d more, %d in all", before, len(names)-before, len(names))
}

// csvRows are the run names in runs.csv (none when it does not exist yet).
func csvRows(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil
	}
	col := -1
	for i, h := range rows[0] {
		if h == "name" {
			col = i
		}
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}

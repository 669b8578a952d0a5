package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The walk of kxrun's own descendants must find what reading every
// process of the machine finds.
func TestTreeWalkFindsWhatAFullScanFinds(t *testing.T) {
	if !treeWalkable() {
		t.Skip("no child subreaper or no /proc/*/task/*/children here")
	}
	runDir := t.TempDir()
	marker := "KXRUN_RUN_DIR=" + runDir
	// Once before, so that the files read after are ones kept open.
	if got := markedProcesses(marker); len(got) != 0 {
		t.Fatalf("marked processes before the run: %v", got)
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "KXRUN_TEST_TRAINER=setsid-chain", "KXRUN_RUN_DIR="+runDir, "GORACE=atexit_sleep_ms=0")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	chain := chainPids(t, runDir)
	t.Cleanup(func() {
		for _, pid := range chain {
			syscall.Kill(pid, syscall.SIGKILL)
			syscall.Wait4(pid, nil, 0, nil)
		}
	})
	walked, scanned := markedProcesses(marker), scanAll([]byte(marker))
	slices.Sort(walked)
	slices.Sort(scanned)
	if diff := cmp.Diff(scanned, walked); diff != "" {
		t.Errorf("tree walk vs full scan (-scan +walk):\n%s", diff)
	}
	if diff := cmp.Diff(chain, walked); diff != "" {
		t.Errorf("want the two processes left behind (-want +got):\n%s", diff)
	}
}

// A run's processes that left its group are stopped when it ends even
// while another run goes on (whose own processes are left alone).
func TestStraysStoppedWhileAnotherRunGoes(t *testing.T) {
	h := newHarness(t)
	specs := []*Spec{trainerSpec(0, "sleep-ok"), trainerSpec(1, "setsid-chain")}
	results, err := Run(context.Background(), specs, Options{Jobs: 2, Executor: &Local{Grace: time.Second}}, h.hooks())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != StatusOK {
			t.Fatalf("%s: %s (%s)", r.Spec.Name, r.Status, r.Reason)
		}
	}
	for _, pid := range chainPids(t, results[1].Workspace.RunDir) {
		if alive(pid) {
			t.Errorf("process %d left behind by the run still runs", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func chainPids(t *testing.T, runDir string) []int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(runDir, "chain.pids"))
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	return pids
}

// alive reports whether pid runs (a zombie does not).
func alive(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z ")
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// installCommands links the test binary as kxrun and faketrainer, which
// testscript.Main in TestMain dispatches on, and returns a PATH with them.
func installCommands(t *testing.T) (bin string, path string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin = t.TempDir()
	for _, name := range []string{"kxrun", "faketrainer"} {
		if err := os.Symlink(exe, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	return bin, bin + string(os.PathListSeparator) + os.Getenv("PATH")
}

// startSweep starts kxrun on a plan whose runs hang until killed, and waits
// until want trainer processes have started.
func startSweep(t *testing.T, mode string, want int) (cmd *exec.Cmd, dir, pids string) {
	t.Helper()
	bin, path := installCommands(t)
	dir = t.TempDir()
	pids = filepath.Join(dir, "pids")
	os.Mkdir(pids, 0o755)
	planText := "name: sig\ncommand: [faketrainer, " + mode + "]\njobs: 2\nseeds: [1, 2, 3]\nbase_features: [a]\nenv: {PID_DIR: " + pids + "}\n"
	os.WriteFile(filepath.Join(dir, "plan.yaml"), []byte(planText), 0o644)
	cmd = exec.Command(filepath.Join(bin, "kxrun"), "ablation", "plan.yaml", "--dir", "exp")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+path, "GORACE=atexit_sleep_ms=0")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kxrun output:\n%s", out.String())
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(pids)
		if len(entries) >= want {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("only %d trainer processes started", len(entries))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cmd, dir, pids
}

func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("kxrun: %v", err)
	}
	return ee.ExitCode()
}

// assertAllGone checks that no trainer process (grandchildren included)
// outlived kxrun.
func assertAllGone(t *testing.T, pids string) {
	t.Helper()
	entries, _ := os.ReadDir(pids)
	for _, e := range entries {
		pid, _ := strconv.Atoi(e.Name())
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("trainer process %d is still running after kxrun exited", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func TestInterruptCancelsRunsAndExits130(t *testing.T) {
	// Two runs at once, each with a grandchild: four processes.
	cmd, dir, pids := startSweep(t, "hang-tree", 4)
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitStatus(t, cmd.Wait()); code != exitInterrupted {
		t.Errorf("exit status %d, want %d", code, exitInterrupted)
	}
	assertAllGone(t, pids)
	data, err := os.ReadFile(filepath.Join(dir, "exp", "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || strings.Count(string(data), ",cancelled,") != 2 {
		t.Errorf("want the two running runs recorded as cancelled and nothing else:\n%s", data)
	}
	// The report of the stopped sweep goes beside the day's full report,
	// says it is partial and counts the runs planned.
	partial, _ := filepath.Glob(filepath.Join(dir, "exp", "reports", "*_sig_ablation_partial.md"))
	full, _ := filepath.Glob(filepath.Join(dir, "exp", "reports", "*_sig_ablation.md"))
	if len(partial) != 1 || len(full) != 0 {
		t.Fatalf("reports: partial %v, full %v", partial, full)
	}
	md, _ := os.ReadFile(partial[0])
	for _, want := range []string{"**Partial**", "| `all` | 1 | 0/3 |", "cancelled — kxrun was interrupted"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the partial report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(string(md), "cancelled: cancelled") {
		t.Errorf("the partial report says cancelled twice:\n%s", md)
	}
}

func TestSecondInterruptKillsAtOnce(t *testing.T) {
	// The trainers ignore SIGTERM: without a second Ctrl-C kxrun would wait
	// for the 10 s grace period.
	cmd, _, pids := startSweep(t, "ignore-term", 2)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitStatus(t, cmd.Wait()); code != exitInterrupted {
		t.Errorf("exit status %d, want %d", code, exitInterrupted)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("kxrun took %s to stop after the second interrupt", took)
	}
	assertAllGone(t, pids)
}

// TestResumeAfterKill9 kills kxrun with SIGKILL in the middle of a sweep,
// runs the same command again, and checks that every run is in runs.csv
// exactly once and ok, and that `kxrun status` tells about the dead sweep.
func TestResumeAfterKill9(t *testing.T) {
	bin, path := installCommands(t)
	dir := t.TempDir()
	planText := "name: resume\ncommand: [faketrainer, slow]\njobs: 2\nseeds: [1, 2, 3]\nbase_features: [b]\nfeature_groups:\n  g: [strong_1]\n  h: [weak_1]\n"
	os.WriteFile(filepath.Join(dir, "plan.yaml"), []byte(planText), 0o644)
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, "kxrun"), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+path, "GORACE=atexit_sleep_ms=0")
		return cmd
	}
	csvPath := filepath.Join(dir, "experiments", "runs.csv")
	cmd := run("ablation", "plan.yaml")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(csvPath)
		if strings.Count(string(data), ",ok,") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the sweep made no progress")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The status file may be a moment behind (its writes are throttled).
	var status string
	for range 40 {
		out, _ := run("status").CombinedOutput()
		status = string(out)
		if strings.Contains(status, "ablation of resume (plan.yaml)") && strings.Contains(status, "running resume_") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(status, "running resume_") {
		t.Errorf("status during the sweep:\n%s", status)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	out, err := run("status").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "stopped without finishing") {
		t.Errorf("status after kill -9: %v\n%s", err, out)
	}
	if out, err := run("ablation", "plan.yaml").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")[1:]
	names := map[string]int{}
	for _, l := range lines {
		fields := strings.Split(l, ",")
		names[fields[2]]++
		if !strings.Contains(l, ",ok,") {
			t.Errorf("a run is not ok: %s", l)
		}
	}
	// 2 groups: all, -g (= +h), -h (= +g), base: 4 runs x 3 seeds.
	if len(names) != 12 {
		t.Errorf("%d distinct runs, want 12: %v", len(names), names)
	}
	for name, n := range names {
		if n != 1 {
			t.Errorf("%s logged %d times", name, n)
		}
	}
	if out, _ := run("status").CombinedOutput(); !strings.Contains(string(out), "nothing is running") {
		t.Errorf("status after the sweep: %s", out)
	}
}

package runner

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// waitExit returns when the child has exited, not before, and leaves it
// to be reaped with its exit status.
func TestWaitExitWaitsWithoutReaping(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "sleep 0.2; exit 7")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if !waitExit(cmd.Process.Pid) {
		t.Skip("no pidfd on this kernel")
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("returned after %s, before the child exited", waited)
	}
	err := cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || ws.ExitStatus() != 7 {
		t.Errorf("Wait after waitExit: %v, status %v", err, cmd.ProcessState)
	}
}

// A child that is already gone is noticed at once.
func TestWaitExitOfAnExitedChild(t *testing.T) {
	cmd := exec.Command("/bin/true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	done := make(chan bool)
	go func() { done <- waitExit(cmd.Process.Pid) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("waitExit did not see that the child had exited")
	}
	if err := cmd.Wait(); err != nil {
		t.Error(err)
	}
}

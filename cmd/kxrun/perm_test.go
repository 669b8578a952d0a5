package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPermissions runs the real kxrun binary as another user (nobody) on
// a tracker it may read but not write, and on one made under umask 077,
// which it may not read at all.
func TestPermissions(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run kxrun as another user with setpriv")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux)")
	}
	// Not t.TempDir: its parent is the test's own, which nobody may enter.
	root, err := os.MkdirTemp("", "kxrun-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "kxrun")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	run := func(asNobody bool, umask, dir string, args ...string) (string, int) {
		t.Helper()
		line := "umask " + umask + "; exec " + bin + " --dir " + dir + " " + strings.Join(args, " ")
		cmd := exec.Command("sh", "-c", line)
		if asNobody {
			cmd = exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", line)
		}
		cmd.Dir = root
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}

	// Readable, not writable: reading works, writing says why not.
	shared := filepath.Join(root, "shared")
	if out, code := run(false, "022", shared, "log", "--name", "a", "--cv", "0.5,0.6"); code != 0 {
		t.Fatalf("log: %s", out)
	}
	out, code := run(true, "022", shared, "report")
	if code != 0 || !strings.Contains(out, "run_001  a") || !strings.Contains(out, "the report files were not written") {
		t.Errorf("report on a read-only tracker: exit %d\n%s", code, out)
	}
	if out, code := run(true, "022", shared, "show", "1"); code != 0 || !strings.Contains(out, "run_001  a") {
		t.Errorf("show on a read-only tracker: exit %d\n%s", code, out)
	}
	if out, code := run(true, "022", shared, "lb", "1", "0.5"); code != 3 || !strings.Contains(out, "permission denied") {
		t.Errorf("lb on a read-only tracker: exit %d\n%s", code, out)
	}

	// Umask 077: every file and folder is the owner's only, and another
	// user is told so, not that there is no tracker.
	private := filepath.Join(root, "private")
	for _, args := range [][]string{{"log", "--name", "a", "--cv", "0.5"}, {"lb", "1", "0.7"}, {"report"}, {"edit", "1", "--notes", "n"}} {
		if out, code := run(false, "077", private, args...); code != 0 {
			t.Fatalf("%v: %s", args, out)
		}
	}
	filepath.WalkDir(private, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, _ := d.Info(); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v under umask 077", path, fi.Mode().Perm())
		}
		return nil
	})
	out, code = run(true, "022", private, "report")
	if code == 0 || !strings.Contains(out, "permission denied") || strings.Contains(out, "no tracker") {
		t.Errorf("report of another user's private tracker: exit %d\n%s", code, out)
	}
}

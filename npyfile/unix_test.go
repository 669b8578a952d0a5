//go:build unix

package npyfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// inspectWithin fails the test instead of hanging if Inspect blocks, which
// is the failure mode for fifos.
func inspectWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Inspect(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Inspect(%s) blocked", path)
		return nil
	}
}

func TestSymlinkToDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	link := filepath.Join(t.TempDir(), "zero.npy")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	err := inspectWithin(t, link)
	wantReason(t, link, err, "not a regular file (character device)")
}

func TestFifo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.npy")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	err := inspectWithin(t, path)
	wantReason(t, path, err, "not a regular file (named pipe)")

	_, err = Copy(path, filepath.Join(t.TempDir(), "out.npy"))
	wantReason(t, path, err, "named pipe")
}

// TestOpenNoBlockFifo covers the race the second fstat guards against: if a
// fifo replaces the file between stat and open, the open itself must not
// wait for a writer.
func TestOpenNoBlockFifo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openNoBlock(path)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("openNoBlock blocked on a fifo")
	}
}

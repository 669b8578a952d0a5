package fileutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"a longer first content", "short", "", "grown again, longer than before"} {
		if err := Overwrite(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("got %q (%v), want %q", got, err, content)
		}
	}
}

// TestOpen: files opened without the poller behave as os.OpenFile's do in
// what kxrun relies on: O_EXCL errors, appending, close-on-exec, reading
// directories.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.log")
	f, err := Open(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second O_EXCL open: %v, want an fs.ErrExist", err)
	} else if pe := (*fs.PathError)(nil); !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("error %v does not name %s", err, path)
	}
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
	if err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("not close-on-exec: flags %#x, %v", flags, err)
	}
	for _, s := range []string{"epoch 1\n", "epoch 2\n"} {
		if _, err := f.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "epoch 1\nepoch 2\n" {
		t.Errorf("content %q, %v", got, err)
	}
	if fi, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm()&^0o640 != 0 {
		t.Errorf("mode %v: wider than asked", fi.Mode())
	}
	d, err := Open(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if names, err := d.Readdirnames(-1); err != nil || len(names) != 1 || names[0] != "run.log" {
		t.Errorf("directory lists %q, %v", names, err)
	}
	if _, err := Open(filepath.Join(dir, "missing"), os.O_RDONLY, 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

package tracker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// umask is the process's file mode creation mask, read once at start
// (reading it means setting it, which is not safe once threads run).
var umask = func() os.FileMode {
	m := unix.Umask(0)
	unix.Umask(m)
	return os.FileMode(m)
}()

// writeFileAtomic writes data to path through a synced temporary file and
// a rename, so that readers see the old content or the new, never a part.
// The directory is not synced; callers batch that with syncDir.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; the mode it gets follows the umask,
	// as for every other file kxrun creates.
	if err := f.Chmod(perm &^ umask); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// createFile writes data to a new file at path, unsynced, for a commit
// that makes all its files durable at once with syncFS. There is no
// temporary name: nothing reads a run's files before its row is appended,
// and a file left half-written by a crash belongs to no committed run (its
// id is never handed out again; a config then gets a run-specific name).
func createFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// syncFS makes everything written to the file system holding dir durable:
// data, new names and renames. One call costs about what one fsync does,
// where a commit would otherwise sync each of its files and directories.
func syncFS(dir string) error {
	d, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("sync the file system of %s: %w", dir, err)
	}
	return nil
}

// syncDir makes renames and creations in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// rename is os.Rename without the lookup of the destination that os.Rename
// makes first (to refuse putting a file over a directory): a run's files go
// to names kxrun chose in directories of its own, and in a directory of
// thousands of logs that lookup cost as much as the rename.
func rename(oldpath, newpath string) error {
	if err := unix.Rename(oldpath, newpath); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// renameNoReplace renames oldpath to newpath unless newpath exists (an
// error wrapping fs.ErrExist then), atomically where the file system can
// (renameat2 RENAME_NOREPLACE), else by a hard link and an unlink.
func renameNoReplace(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		if err = unix.Link(oldpath, newpath); err == nil {
			err = unix.Unlink(oldpath)
		}
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

package tracker

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// writeFileAtomic writes data to path through a synced temporary file and
// a rename, so that readers see the old content or the new, never a part.
// The directory is not synced; callers batch that with syncDir.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeFileRenamed(path, data, perm, true)
}

// placeFile is writeFileAtomic without the sync, for a commit that makes
// all its files durable at once with syncFS.
func placeFile(path string, data []byte, perm os.FileMode) error {
	return writeFileRenamed(path, data, perm, false)
}

func writeFileRenamed(path string, data []byte, perm os.FileMode, sync bool) error {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
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
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return err
		}
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

// syncFS makes everything written to the file system holding dir durable:
// data, new names and renames. One call costs about what one fsync does,
// where a commit would otherwise sync each of its files and directories.
func syncFS(dir string) error {
	d, err := os.Open(dir)
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

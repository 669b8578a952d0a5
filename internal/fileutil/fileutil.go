// Package fileutil holds small file operations shared by the runner and
// the tracker.
package fileutil

import "os"

// Overwrite replaces the content of a file that is usually there already
// without truncating it to zero first: on ext4 a file truncated to zero
// and written again is flushed to the disk when it is closed
// (auto_da_alloc), a device write each time. Readers may see a mix of old
// and new content while it runs: use it for files only kxrun reads, under
// its own lock or with a check of their own.
func Overwrite(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, perm)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(data, 0)
	if err == nil {
		err = f.Truncate(int64(len(data)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

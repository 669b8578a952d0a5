// Package fileutil holds the file operations that runner, study and
// tracker share: opening a file a trainer named only if it is a regular
// file, never blocking on a FIFO (OpenRegular), and rewriting a small
// cache file in place (Overwrite).
package fileutil

import (
	"os"
	"syscall"
)

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

// OpenRegular opens path for reading only if it is a regular file (after
// symlinks), and returns its size. It never blocks: the open is
// non-blocking, so a fifo put in its place cannot make it wait for a
// writer, and the open file is checked again, so that a swap between the
// check and the open cannot slip a fifo or a device through.
func OpenRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: NotRegularError{fi.Mode()}}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &os.PathError{Op: "open", Path: path, Err: NotRegularError{fi.Mode()}}
		}
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// NotRegularError is a path that is not a regular file.
type NotRegularError struct{ Mode os.FileMode }

func (e NotRegularError) Error() string {
	m := e.Mode
	switch {
	case m.IsDir():
		return "is a directory, not a regular file"
	case m&os.ModeNamedPipe != 0:
		return "is a named pipe (fifo), not a regular file: kxrun does not read from it"
	case m&os.ModeSocket != 0:
		return "is a socket, not a regular file"
	case m&os.ModeDevice != 0:
		return "is a device, not a regular file"
	}
	return "is not a regular file"
}

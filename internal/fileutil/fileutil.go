// Package fileutil holds small file operations shared by the runner and
// the tracker.
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
	f, err := Open(path, os.O_WRONLY|os.O_CREATE, perm)
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

// Open is os.OpenFile for regular files and directories, without the
// network poller: os.OpenFile makes every file non-blocking, offers it to
// epoll (which refuses regular files and directories) and makes it
// blocking again, four fcntl(2) and a failed epoll_ctl(2) per open, on
// the path of every run. The file is opened close-on-exec, as os.OpenFile
// does.
func Open(path string, flag int, perm os.FileMode) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

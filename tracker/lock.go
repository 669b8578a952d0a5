package tracker

import (
	"fmt"
	"os"
	"syscall"
)

// lock is an advisory lock (flock) on the tracker's .lock file. The lock
// lives on its own file because runs.csv is replaced by rename on rewrites.
type lock struct{ f *os.File }

// acquire takes the exclusive lock that every change holds.
func acquire(path string) (*lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	return flock(f, path, syscall.LOCK_EX)
}

// acquireShared takes a shared lock: readers do not see an append half done.
func acquireShared(path string) (*lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		// A read-only tracker can still be read, without the lock.
		if f, err = os.Open(path); err != nil {
			return &lock{}, nil
		}
	}
	return flock(f, path, syscall.LOCK_SH)
}

func flock(f *os.File, path string, how int) (*lock, error) {
	var err error
	for {
		if err = syscall.Flock(int(f.Fd()), how); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &lock{f: f}, nil
}

func (l *lock) release() {
	if l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}

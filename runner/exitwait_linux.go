package runner

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// waitExit returns once pid, a child of ours not reaped yet, has exited,
// leaving it to be reaped. The goroutine waits in Go's network poller on a
// pidfd rather than in waitid(2): a goroutine blocked in a system call
// holds an OS thread, and while runs keep both processors busy the Go
// runtime's monitor then wakes every 20 us to take the processor back,
// a context switch each time (14% of kxrun's CPU in a sweep of short
// runs). It reports false, having waited for nothing, where there is no
// pidfd (Linux before 5.3): the caller then waits as before.
func waitExit(pid int) bool {
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	// A pidfd is readable once its process has exited: poll(2) says so
	// without blocking; otherwise Read waits for the poller to.
	err = rc.Read(func(fd uintptr) bool {
		for {
			n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return err != nil || n > 0
		}
	})
	return err == nil
}

package runner

import (
	"sync"

	"golang.org/x/sys/unix"
)

var subreaperOnce sync.Once

// becomeSubreaper makes orphaned grandchildren of a run reparent to kxrun
// rather than to init, so that they keep their process group (and can be
// killed with it) and are reaped by us instead of lingering as zombies in
// a container whose init does not reap.
func becomeSubreaper() {
	subreaperOnce.Do(func() {
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	})
}

package runner

import (
	"sync"

	"golang.org/x/sys/unix"
)

var (
	subreaperOnce sync.Once
	isSubreaper   bool
)

// becomeSubreaper makes orphaned grandchildren of a run reparent to kxrun
// rather than to init, so that they keep their process group (and can be
// killed with it) and are reaped by us instead of lingering as zombies in
// a container whose init does not reap. It reports whether that worked.
func becomeSubreaper() bool {
	subreaperOnce.Do(func() {
		isSubreaper = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == nil
	})
	return isSubreaper
}

//go:build unix

package npyfile

import (
	"os"
	"syscall"
)

// openNoBlock opens path read-only without blocking: if the path was swapped
// for a fifo after it was stat'ed, a plain open would wait forever for a
// writer. O_NONBLOCK does not change reads from regular files.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

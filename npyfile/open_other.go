//go:build !unix

package npyfile

import "os"

// openNoBlock opens path read-only. Platforms outside unix have no fifo that
// blocks on open, so a plain open is enough.
func openNoBlock(path string) (*os.File, error) {
	return os.Open(path)
}

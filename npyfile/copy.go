package npyfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Copy copies src to dst byte for byte and returns the sha256 of what was
// written. dst is created with O_EXCL, so an existing file (or symlink) is
// never overwritten, and it is fsynced before Copy returns. src must be a
// regular file; its content is not validated (use Inspect for that). On
// failure dst is removed, since Copy created it.
func Copy(src, dst string) (sha256hex string, err error) {
	in, size, err := openRegular(src)
	if err != nil {
		return "", err
	}
	defer in.Close()

	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(dst)
		}
	}()

	h := sha256.New()
	// Hash what is written rather than re-reading dst: the returned sum then
	// covers exactly the bytes this call produced.
	n, err := io.CopyBuffer(io.MultiWriter(out, h), io.LimitReader(in, size+1), make([]byte, copyBufSize))
	if err != nil {
		return "", err
	}
	if n != size {
		return "", &Error{Path: src, Reason: fmt.Sprintf("file changed size while being copied (stat said %d bytes, read %d)", size, n)}
	}
	if err = out.Sync(); err != nil {
		return "", err
	}
	if err = out.Close(); err != nil {
		return "", err
	}
	syncDir(filepath.Dir(dst))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir makes the new directory entry durable. It is best effort: some
// platforms and file systems cannot fsync a directory, and the data itself
// is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

package tracker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// blobsDir, under artifacts/, holds arrays kept once by content: a run's
// labels and folds, which many runs share.
const blobsDir = "sha256"

// contentAddressed reports whether arrays of a kind are kept by content
// (artifacts/sha256/<hash>.npy) rather than per run.
func contentAddressed(kind string) bool { return kind == "target" || kind == "folds" }

// BlobPath is where the array with this sha256 is kept, relative to the
// tracker directory.
func BlobPath(sha256hex string) string {
	return filepath.Join(artsDir, blobsDir, sha256hex+".npy")
}

// artifactPath is where a run's array of a kind is kept, relative to the
// tracker directory.
func artifactPath(kind, model string, n int, sha256hex string) string {
	if contentAddressed(kind) {
		return BlobPath(sha256hex)
	}
	return filepath.Join(artsDir, fmt.Sprintf("%s_%s_v%d.npy", kind, safeName(model), n))
}

// keepBlob puts a content-addressed array in place unless an array with
// the same hash is there already. Two processes keeping the same array at
// once both rename identical bytes into place, which is harmless.
func (t *Tracker) keepBlob(a ArtifactFile, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		if a.Move {
			os.Remove(a.Path) // a staged copy nobody else uses
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return t.keepFile(a, dst)
}

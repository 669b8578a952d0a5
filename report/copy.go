package report

import (
	"os"
	"path/filepath"
)

// WriteCopy writes a markdown report to path too (--report-md, e.g. for a
// pull-request comment), with the figures it links to beside it: the
// links are relative. It returns the files written.
func WriteCopy(path string, md []byte, figures []string) ([]string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, md, 0o644); err != nil {
		return nil, err
	}
	written := []string{path}
	for _, fig := range figures {
		data, err := os.ReadFile(fig)
		if err != nil {
			return written, err
		}
		dst := filepath.Join(filepath.Dir(path), filepath.Base(fig))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, dst)
	}
	return written, nil
}

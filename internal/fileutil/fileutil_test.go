package fileutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"a longer first content", "short", "", "grown again, longer than before"} {
		if err := Overwrite(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("got %q (%v), want %q", got, err, content)
		}
	}
}

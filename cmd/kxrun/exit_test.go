package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExitCodes checks the documented statuses of usage mistakes, which
// testscript's `! exec` cannot tell apart.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("command: [x]\nseed: [1]\nbase_features: [a]\n"), 0o644)
	tracked := filepath.Join(dir, "tracked")
	if code := Main([]string{"log", "--dir", tracked, "--name", "no_arrays", "--cv", "0.5"}); code != exitOK {
		t.Fatalf("log: exit %d", code)
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"bogus"}, exitUsage},
		{[]string{"--bogus"}, exitUsage},
		{[]string{"ablation"}, exitUsage},
		{[]string{"ablation", bad}, exitUsage},
		{[]string{"ablation", filepath.Join(dir, "missing.yaml")}, exitUsage},
		{[]string{"report", "--dir", filepath.Join(dir, "no-tracker")}, exitUsage},
		{[]string{"ablation", bad, "--fail-on", "x"}, exitUsage},
		{[]string{"--help"}, exitOK},
		{[]string{"oof", "1", "--dir", tracked}, exitUsage},
	}
	for _, tt := range tests {
		if got := Main(tt.args); got != tt.want {
			t.Errorf("kxrun %v: exit %d, want %d", tt.args, got, tt.want)
		}
	}
}

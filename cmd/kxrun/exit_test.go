package main

import (
	"bytes"
	"errors"
	"fmt"
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
		{[]string{"reprot", "--dir", tracked}, exitUsage},
		{[]string{"ablation", "--bogus"}, exitUsage},
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

// A hint never changes the exit status: a usage error stays one under a
// hinted error that is not, a storage error under a hint stays a storage
// error, and the usage error's hint is the one printed.
func TestHintedErrors(t *testing.T) {
	storage := errors.New("disk full")
	tests := []struct {
		name    string
		err     error
		code    int
		printed string
	}{
		{"usage", usagef("kxrun --help", "bad flag"), exitUsage, "Error: bad flag\nTry: kxrun --help\n"},
		{"hinted storage", withHint(storage, "free some space"), exitStorage, "Error: disk full\nTry: free some space\n"},
		{"usage under a hint", withHint(fmt.Errorf("plan: %w", usagef("fix the plan", "bad key")), "check the disk"), exitUsage,
			"Error: plan: bad key\nTry: fix the plan\n"},
		{"hint under plain wrapping", fmt.Errorf("log: %w", withHint(storage, "free some space")), exitStorage,
			"Error: log: disk full\nTry: free some space\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.code {
				t.Errorf("exit %d, want %d", got, tt.code)
			}
			var b bytes.Buffer
			printError(&b, tt.err)
			if b.String() != tt.printed {
				t.Errorf("printed %q, want %q", b.String(), tt.printed)
			}
		})
	}
}

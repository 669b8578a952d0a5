package debpython

import (
	"strings"
	"testing"
)

// A module no Python has is missing, named with its package; in CI that
// is an error, elsewhere only false.
func TestMissing(t *testing.T) {
	const absent = "kxrun_no_such_module"
	msg := Missing("sys", absent)
	if !strings.Contains(msg, "cannot import sys, "+absent) || !strings.HasSuffix(msg, "apt-get install python3-"+absent) {
		t.Errorf("Missing: %q", msg)
	}
	t.Setenv("CI", "")
	if ok, err := Available(absent); ok || err != nil {
		t.Errorf("Available outside CI: %v, %v; want false, nil", ok, err)
	}
	t.Setenv("CI", "1")
	if ok, err := Available(absent); ok || err == nil || !strings.Contains(err.Error(), ".ci/run must install") {
		t.Errorf("Available in CI: %v, %v; want false and an error", ok, err)
	}
	if Missing("sys") != "" {
		t.Skip(Path + " does not run") // nothing more can be told on this machine
	}
	if ok, err := Available("sys"); !ok || err != nil {
		t.Errorf("Available(sys): %v, %v; want true", ok, err)
	}
}

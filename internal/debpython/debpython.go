// Package debpython is Debian's python3 for the tests that check kxrun
// against numpy, pandas, scipy, scikit-learn or XGBoost: the interpreter
// that sees the modules apt installs (the python3 on PATH may be another
// one), and whether it imports the modules a test needs. Where CI is set
// a missing module fails the test rather than skipping it, so that a
// machine without it cannot pass for one that ran the comparison.
package debpython

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Path is the interpreter.
const Path = "/usr/bin/python3"

// debPackage names the Debian package of a Python module.
var debPackage = map[string]string{
	"numpy": "python3-numpy", "pandas": "python3-pandas", "sklearn": "python3-sklearn",
	"xgboost": "python3-xgboost", "scipy": "python3-scipy",
}

// imports caches which module lists the interpreter imports.
var imports sync.Map

// Missing says which of modules the interpreter cannot import and what to
// install, or "" when it imports them all.
func Missing(modules ...string) string {
	key := strings.Join(modules, ", ")
	ok, seen := imports.Load(key)
	if !seen {
		ok = exec.Command(Path, "-c", "import "+key).Run() == nil
		imports.Store(key, ok)
	}
	if ok.(bool) {
		return ""
	}
	var missing []string
	for _, m := range modules {
		if exec.Command(Path, "-c", "import "+m).Run() != nil {
			pkg := debPackage[m]
			if pkg == "" {
				pkg = "python3-" + m
			}
			missing = append(missing, pkg)
		}
	}
	return fmt.Sprintf("%s cannot import %s: apt-get install %s", Path, key, strings.Join(missing, " "))
}

// Available is for conditions of test scripts: false where a module is
// missing, and in CI an error saying so.
func Available(modules ...string) (bool, error) {
	msg := Missing(modules...)
	if msg == "" {
		return true, nil
	}
	if os.Getenv("CI") != "" {
		return false, fmt.Errorf("%s (.ci/run must install them)", msg)
	}
	return false, nil
}

// Require skips t unless the interpreter imports every module; in CI it
// fails t instead.
func Require(t testing.TB, modules ...string) {
	t.Helper()
	ok, err := Available(modules...)
	switch {
	case err != nil:
		t.Fatal(err)
	case !ok:
		t.Skip(Missing(modules...))
	}
}

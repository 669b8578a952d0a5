package interop

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// kxrunBin is the kxrun binary built for this test run by TestMain.
var kxrunBin string

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kxrun-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	kxrunBin = filepath.Join(dir, "kxrun")
	// go test puts its own go first on PATH.
	out, err := exec.Command("go", "build", "-o", kxrunBin, "github.com/kxrun/kxrun/cmd/kxrun").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: go build kxrun: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// repoRoot is the module's root, where the example plans are run from.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// testdata is the absolute path of a file under testdata/.
func testdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cleanEnv is the test's environment without KXRUN_* variables, so that
// running the tests under kxrun cannot leak into the runs they start, and
// without Python writing __pycache__ into the source tree. The kxrun
// package of python/ is importable, as after `pip install ./python`.
func cleanEnv(extra ...string) []string {
	env := []string{"PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=" + pythonPackage}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KXRUN_") && !strings.HasPrefix(kv, "PYTHONPATH=") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// pythonPackage is the directory of the kxrun Python package.
var pythonPackage, _ = filepath.Abs(filepath.Join("..", "python"))

type cmdResult struct {
	stdout, stderr string
	code           int
}

// run runs a command in dir and returns its output and exit status; only
// a failure to start it fails the test.
func run(t *testing.T, dir string, env []string, name string, args ...string) cmdResult {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", name, err)
	}
	return cmdResult{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// kxrun runs the built kxrun in dir.
func kxrun(t *testing.T, dir string, args ...string) cmdResult {
	t.Helper()
	return run(t, dir, cleanEnv(), kxrunBin, args...)
}

// mustKxrun runs kxrun and fails the test unless it exits with want.
func mustKxrun(t *testing.T, want int, dir string, args ...string) cmdResult {
	t.Helper()
	res := kxrun(t, dir, args...)
	if res.code != want {
		t.Fatalf("kxrun %s: exit %d, want %d\nstderr:\n%s", strings.Join(args, " "), res.code, want, res.stderr)
	}
	return res
}

// pythonJSON runs a Python script and decodes the JSON it prints into v.
func pythonJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	res := run(t, ".", cleanEnv(), debpython.Path, args...)
	if res.code != 0 {
		t.Fatalf("python3 %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	if err := json.Unmarshal([]byte(res.stdout), v); err != nil {
		t.Fatalf("python3 %s: %v\n%.2000s", strings.Join(args, " "), err, res.stdout)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// npyDesc is what describes a .npy file both in kxrun's details and in
// npykinds.describe, numpy's own reading of the file.
type npyDesc struct {
	Descr        string `json:"descr"`
	Dtype        string `json:"dtype"`
	Shape        []int  `json:"shape"`
	FortranOrder bool   `json:"fortran_order"`
	Bytes        int64  `json:"bytes"`
	SHA256       string `json:"sha256"`
}

type artifact struct {
	npyDesc
	Path   string `json:"path"`
	Source string `json:"source"`
}

// details is the part of details/<run_id>.json these tests read.
type details struct {
	RunID     string              `json:"run_id"`
	Name      string              `json:"name"`
	Variant   string              `json:"variant"`
	Seed      *int64              `json:"seed"`
	Status    string              `json:"status"`
	Reason    string              `json:"reason"`
	Features  []string            `json:"features"`
	Params    map[string]any      `json:"params"`
	Metrics   map[string]float64  `json:"metrics"`
	CVScores  []float64           `json:"cv_scores"`
	CVScore   *float64            `json:"cv_score"`
	CVStd     *float64            `json:"cv_std"`
	LBScore   *float64            `json:"lb_score"`
	Notes     string              `json:"notes"`
	Env       map[string]string   `json:"env"`
	Artifacts map[string]artifact `json:"artifacts"`
}

func readDetails(t *testing.T, tracker, runID string) details {
	t.Helper()
	var d details
	readJSON(t, filepath.Join(tracker, "details", runID+".json"), &d)
	return d
}

// exact compares floats bit for bit: -0.0 is not 0.0, and a NaN equals
// the same NaN.
var exact = cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })

package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kxrun/kxrun/internal/debpython"
	"github.com/kxrun/kxrun/tracker"
)

// csvRow is a row of runs.csv as read here, independently of kxrun.
type csvRow map[string]string

// details is what the checks need of details/<run_id>.json.
type details struct {
	RunID     string              `json:"run_id"`
	Name      string              `json:"name"`
	Status    string              `json:"status"`
	Reason    string              `json:"reason"`
	LBScore   *float64            `json:"lb_score"`
	CVScore   *float64            `json:"cv_score"`
	Log       string              `json:"log"`
	Env       map[string]string   `json:"env"`
	Artifacts map[string]artifact `json:"artifacts"`
}

type artifact struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// state is a tracker as found on disk.
type state struct {
	dir     string
	header  []string
	rows    []csvRow
	byID    map[string]csvRow
	details map[string]*details // of the rows
	orphans []string            // details with no row: commits that died before their row
}

// checkTracker opens the tracker in dir as kxrun does and checks every
// promise the README makes about it; it returns what it found and every
// problem.
func checkTracker(dir string) (*state, []string) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	st := &state{dir: dir, byID: map[string]csvRow{}, details: map[string]*details{}}

	tr, err := tracker.Open(dir)
	if err != nil {
		bad("the tracker does not open: %v", err)
		return st, problems
	}
	krows, warnings, err := tr.Runs()
	if err != nil {
		bad("kxrun cannot read runs.csv: %v", err)
	}
	for _, w := range warnings {
		bad("kxrun warns about runs.csv: %s", w)
	}

	data, err := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if err != nil {
		bad("runs.csv: %v", err)
		return st, problems
	}
	if !utf8.Valid(data) {
		bad("runs.csv is not valid UTF-8")
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		bad("runs.csv does not end with a newline (a torn row)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		bad("runs.csv does not parse as CSV: %v", err)
		return st, problems
	}
	if len(recs) == 0 {
		bad("runs.csv has no header")
		return st, problems
	}
	st.header = recs[0]
	if strings.Join(st.header, ",") != strings.Join(tracker.Columns, ",") {
		bad("runs.csv header is %v", st.header)
	}
	for i, rec := range recs[1:] {
		if len(rec) != len(st.header) {
			bad("runs.csv line %d has %d fields, want %d", i+2, len(rec), len(st.header))
			continue
		}
		row := csvRow{}
		for j, h := range st.header {
			row[h] = rec[j]
		}
		id := row["run_id"]
		if _, dup := st.byID[id]; dup {
			bad("run id %s appears twice in runs.csv", id)
		}
		switch row["status"] {
		case "ok", "failed", "cancelled":
		default:
			bad("%s has status %q", id, row["status"])
		}
		st.byID[id] = row
		st.rows = append(st.rows, row)
	}
	if len(krows) != len(st.rows) {
		bad("kxrun reads %d rows, the file has %d", len(krows), len(st.rows))
	}

	for _, row := range st.rows {
		id := row["run_id"]
		d, err := readDetails(dir, id)
		if err != nil {
			bad("%s: %v", id, err)
			continue
		}
		st.details[id] = d
		if d.RunID != id || d.Name != row["name"] || d.Status != row["status"] {
			bad("%s: details say %s %q %s, runs.csv says %s %q %s", id, d.RunID, d.Name, d.Status, id, row["name"], row["status"])
		}
		if got, want := fmtFloat(d.LBScore), row["lb_score"]; !sameFloat(got, want) {
			bad("%s: lb_score is %q in the details, %q in runs.csv", id, got, want)
		}
		if got, want := fmtFloat(d.CVScore), row["cv_score"]; !sameFloat(got, want) {
			bad("%s: cv_score is %q in the details, %q in runs.csv", id, got, want)
		}
		if d.Reason != row["reason"] {
			bad("%s: reason is %q in the details, %q in runs.csv", id, d.Reason, row["reason"])
		}
		if d.Log != "" && !isFile(filepath.Join(dir, d.Log)) {
			bad("%s: its log %s is missing", id, d.Log)
		}
		for kind, a := range d.Artifacts {
			if err := checkArtifact(dir, a); err != nil {
				bad("%s: %s: %v", id, kind, err)
			}
		}
	}

	entries, _ := os.ReadDir(filepath.Join(dir, "details"))
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(id, ".") {
			continue
		}
		if _, ok := st.byID[id]; !ok {
			st.orphans = append(st.orphans, id)
		}
	}
	return st, problems
}

func readDetails(dir, id string) (*details, error) {
	data, err := os.ReadFile(filepath.Join(dir, "details", id+".json"))
	if err != nil {
		return nil, fmt.Errorf("no details: %w", err)
	}
	var d details
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("details do not parse: %w", err)
	}
	return &d, nil
}

func checkArtifact(dir string, a artifact) error {
	f, err := os.Open(filepath.Join(dir, a.Path))
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != a.SHA256 || n != a.Bytes {
		return fmt.Errorf("%s has %d bytes with sha256 %s…, the details say %d bytes, %s…", a.Path, n, sum[:12], a.Bytes, a.SHA256[:min(12, len(a.SHA256))])
	}
	return nil
}

func fmtFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func sameFloat(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// pandasCheck reads each runs.csv with pandas and returns, per file, a
// problem or "". ok is false when pandas is not available.
func pandasCheck(files map[string]int) (problems map[string]string, ok bool) {
	if debpython.Missing("pandas") != "" {
		return nil, false
	}
	script := `
import json, sys
import pandas as pd
out = {}
for path, want in json.load(sys.stdin).items():
    try:
        df = pd.read_csv(path, float_precision="round_trip")
        if len(df) != want:
            out[path] = "pandas reads %d rows, want %d" % (len(df), want)
        elif df["run_id"].duplicated().any():
            out[path] = "pandas sees a duplicated run_id"
        else:
            out[path] = ""
    except Exception as e:
        out[path] = "pandas: %s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`
	in, _ := json.Marshal(files)
	cmd := exec.Command(debpython.Path, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		msg := err.Error()
		if errors.As(err, &ee) {
			msg += ": " + string(ee.Stderr)
		}
		return map[string]string{"(pandas)": msg}, true
	}
	if err := json.Unmarshal(out, &problems); err != nil {
		return map[string]string{"(pandas)": string(out)}, true
	}
	return problems, true
}

// pandasProblems checks one tracker's runs.csv with pandas.
func pandasProblems(s *scenario, st *state) []string {
	path := filepath.Join(st.dir, "runs.csv")
	res, ok := pandasCheck(map[string]int{path: len(st.rows)})
	if !ok {
		return nil
	}
	var out []string
	for _, p := range res {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// alive reports whether pid is a live process (zombies count as gone: an
// init that does not reap leaves them, but they run nothing).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	i := bytes.LastIndexByte(data, ')')
	return i < 0 || i+2 >= len(data) || data[i+2] != 'Z'
}

// survivors lists the processes recorded in pidDir that are still alive,
// waiting up to a second for them to go, and kills them.
func survivors(t testing.TB, pidDir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(pidDir)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		gone := false
		for range 100 {
			if !alive(pid) {
				gone = true
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if !gone {
			what, _ := os.ReadFile(filepath.Join(pidDir, e.Name()))
			out = append(out, fmt.Sprintf("process %d (%s) survived", pid, strings.TrimSpace(string(what))))
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return out
}

// newFiles lists the files under root that are not in before and not under
// any of the allowed directories.
func newFiles(root string, before map[string]bool, allowed ...string) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		for _, a := range allowed {
			if p == a || strings.HasPrefix(p, a+string(filepath.Separator)) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if !before[p] {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func listFiles(root string) map[string]bool {
	out := map[string]bool{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			out[p] = true
		}
		return nil
	})
	return out
}

package tracker

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/npyfile"
)

// With KXRUN_TEST_APPEND=dir:n the test binary appends n runs to the
// tracker in dir and exits: a second, real process for the concurrency tests.
func TestMain(m *testing.M) {
	if spec := os.Getenv("KXRUN_TEST_APPEND"); spec != "" {
		dir, nStr, _ := strings.Cut(spec, ":")
		n, _ := strconv.Atoi(nStr)
		tr, err := Open(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for i := range n {
			rec := sampleRecord(fmt.Sprintf("p%d_%d", os.Getpid(), i), 0.5)
			if _, err := tr.Commit(rec, Files{}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func fp(f float64) *float64 { return &f }

func sampleRecord(name string, cv float64) *Record {
	seed := int64(42)
	return &Record{
		Name: name, Date: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), Source: "test",
		Plan: "p", Variant: "all", Seed: &seed, Status: "ok", Metric: "auc", Direction: "maximize",
		ModelType: "lgb", Features: []string{"a", "b", "c"}, Params: map[string]any{"lr": 0.1},
		ParamsHash: ParamsHash(map[string]any{"lr": 0.1}),
		CVScores:   []float64{cv, cv}, CVScore: fp(cv), CVStd: fp(0),
	}
}

func sha(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func TestCommitKeepsEverything(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	st, err := tr.NewStaging()
	if err != nil {
		t.Fatal(err)
	}
	slot, err := st.Slot()
	if err != nil {
		t.Fatal(err)
	}
	if err := slot.Attempt(); err != nil {
		t.Fatal(err)
	}
	logPath, log, err := st.NewLog()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(log, "training output")
	oof := filepath.Join(slot.RunDir, "oof.npy")
	npytest.Write(t, oof, make([]float64, 10))
	elsewhere := filepath.Join(t.TempDir(), "test.npy") // outside the run: copied, kept
	npytest.Write(t, elsewhere, make([]float64, 4))
	oofSum, testSum := sha(t, oof), sha(t, elsewhere)
	oofInfo, err := npyfile.Inspect(oof)
	if err != nil {
		t.Fatal(err)
	}
	testInfo, err := npyfile.Inspect(elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	rec := sampleRecord("p_all_s42", 0.8)
	rec.LBScore = fp(0)
	rec.Notes = "commas, \"quotes\"\nand newlines"
	log.Close()
	_, err = tr.Commit(rec, Files{
		Log: logPath,
		Artifacts: []ArtifactFile{
			{Kind: "oof", Path: oof, Move: true, Info: oofInfo},
			{Kind: "test", Path: elsewhere, Move: false, Info: testInfo},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec.RunID != "run_001" {
		t.Errorf("run id %s", rec.RunID)
	}
	wantPaths := map[string]string{
		"oof":  "artifacts/oof_lgb_v1.npy",
		"test": "artifacts/test_lgb_v1.npy",
	}
	for kind, p := range wantPaths {
		if rec.Artifacts[kind].Path != p {
			t.Errorf("%s path %s, want %s", kind, rec.Artifacts[kind].Path, p)
		}
	}
	if got := sha(t, filepath.Join(tr.Dir, wantPaths["oof"])); got != oofSum || rec.Artifacts["oof"].SHA256 != oofSum {
		t.Error("oof bytes changed")
	}
	if got := sha(t, filepath.Join(tr.Dir, wantPaths["test"])); got != testSum {
		t.Error("test bytes changed")
	}
	if _, err := os.Stat(elsewhere); err != nil {
		t.Error("a file outside the run dir must be copied, not moved")
	}
	if log, _ := os.ReadFile(filepath.Join(tr.Dir, "logs", "run_001.log")); string(log) != "training output\n" {
		t.Errorf("log %q", log)
	}
	got, err := tr.Details("run_001")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("details (-want +got):\n%s", diff)
	}
	rows, warnings, err := tr.Runs()
	if err != nil || len(warnings) > 0 || len(rows) != 1 {
		t.Fatalf("rows %d warnings %v err %v", len(rows), warnings, err)
	}
	want := Row{RunID: "run_001", Number: 1, Date: "2026-11-25T10:00:00Z", Name: "p_all_s42", Plan: "p",
		Variant: "all", Seed: rec.Seed, CVScore: fp(0.8), CVStd: fp(0), CVFolds: []float64{0.8, 0.8},
		LBScore: fp(0), CVLBGap: fp(0.8), NFeatures: 3, ModelType: "lgb", Metric: "auc",
		Direction: "maximize", ParamsHash: rec.ParamsHash, Status: "ok", Notes: rec.Notes, Source: "test"}
	if diff := cmp.Diff(want, rows[0]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
}

func TestTwoProcessesAppending(t *testing.T) {
	dir := t.TempDir()
	const perProcess = 1000
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", fmt.Sprintf("KXRUN_TEST_APPEND=%s:%d", dir, perProcess))
			out, err := cmd.CombinedOutput()
			if err != nil {
				errs[i] = fmt.Errorf("%v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	tr, _ := Open(dir)
	rows, warnings, err := tr.Runs()
	if err != nil || len(warnings) > 0 {
		t.Fatalf("warnings %v err %v", warnings, err)
	}
	if len(rows) != 2*perProcess {
		t.Fatalf("%d rows, want %d", len(rows), 2*perProcess)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		if seen[r.RunID] {
			t.Fatalf("run id %s used twice", r.RunID)
		}
		seen[r.RunID] = true
		if r.Number != i+1 {
			t.Fatalf("row %d has id %s: ids must increase without gaps here", i, r.RunID)
		}
		if _, err := os.Stat(filepath.Join(dir, "details", r.RunID+".json")); err != nil {
			t.Fatalf("row %s has no details: %v", r.RunID, err)
		}
	}
}

func TestTornLastRowIsIgnoredAndRepaired(t *testing.T) {
	dir := t.TempDir()
	tr, _ := Open(dir)
	for i := range 2 {
		if _, err := tr.Commit(sampleRecord(fmt.Sprintf("r%d", i), 0.5), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of an append, inside a quoted field.
	f, _ := os.OpenFile(tr.CSVPath(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`run_003,2026-11-25T10:00:00Z,r2,p,all,42,0.5,0,"[0.5,`)
	f.Close()

	fresh, _ := Open(dir)
	rows, warnings, err := fresh.Runs()
	if err != nil || len(rows) != 2 || len(warnings) != 1 || !strings.Contains(warnings[0], "incomplete last row") {
		t.Fatalf("rows %d warnings %v err %v", len(rows), warnings, err)
	}
	if _, err := fresh.Commit(sampleRecord("after", 0.5), Files{}); err != nil {
		t.Fatal(err)
	}
	rows, warnings, err = fresh.Runs()
	if err != nil || len(warnings) != 0 {
		t.Fatalf("after repair: warnings %v err %v", warnings, err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.RunID+":"+r.Name)
	}
	if diff := cmp.Diff([]string{"run_001:r0", "run_002:r1", "run_003:after"}, ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOrphanDetailsIDIsNotReused(t *testing.T) {
	dir := t.TempDir()
	tr, _ := Open(dir)
	if _, err := tr.Commit(sampleRecord("r1", 0.5), Files{}); err != nil {
		t.Fatal(err)
	}
	// A crash after the details of run_002 were written, before its row.
	os.WriteFile(filepath.Join(dir, "details", "run_002.json"), []byte("{}"), 0o644)
	rec := sampleRecord("r2", 0.5)
	if _, err := mustOpen(t, dir).Commit(rec, Files{}); err != nil {
		t.Fatal(err)
	}
	if rec.RunID != "run_003" {
		t.Errorf("got %s, want run_003 (run_002 belongs to a crashed commit)", rec.RunID)
	}
}

// mustOpen opens the tracker in dir, which must succeed.
func mustOpen(t testing.TB, dir string) *Tracker {
	t.Helper()
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestIncrementalRefreshSeesOtherWriters(t *testing.T) {
	dir := t.TempDir()
	a, b := mustOpen(t, dir), mustOpen(t, dir)
	for i := range 3 {
		for _, tr := range []*Tracker{a, b} {
			rec := sampleRecord("x", float64(i))
			if _, err := tr.Commit(rec, Files{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, _, _ := a.Runs()
	if len(rows) != 6 || rows[5].RunID != "run_006" {
		t.Fatalf("got %d rows, last %s", len(rows), rows[len(rows)-1].RunID)
	}
}

func TestStaleStagesOfDeadProcessesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	dead := filepath.Join(dir, ".work", "999999999-x-1")
	live := filepath.Join(dir, ".work", strconv.Itoa(os.Getppid())+"-y-1")
	os.MkdirAll(dead, 0o755)
	os.MkdirAll(live, 0o755)
	mustOpen(t, dir)
	if _, err := os.Stat(dead); err == nil {
		t.Error("stage of a dead process kept")
	}
	if _, err := os.Stat(live); err != nil {
		t.Error("stage of a live process removed")
	}
}

func TestParseID(t *testing.T) {
	for in, want := range map[string]int{"run_012": 12, "12": 12, "run_1000": 1000, "run_0": 0} {
		if got, ok := ParseID(in); !ok || got != want {
			t.Errorf("ParseID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "run_", "abc", "run_-1", "-3"} {
		if _, ok := ParseID(in); ok {
			t.Errorf("ParseID(%q) accepted", in)
		}
	}
}

package reliability

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// TestKill9Rewrite kills kxrun with SIGKILL at a random moment of a
// rewrite of runs.csv (`kxrun lb`, `archive`, `unarchive`, `edit`) on a
// large tracker that also holds a column added by the user and a row kxrun
// cannot read. After each kill, before anything else opens the tracker,
// runs.csv and the details must agree, or an edit journal must be there
// to finish the change; once the tracker is opened again they must agree,
// with every row, the user's column and the unreadable row intact. At
// the end no temporary file of a rewrite may be left.
func TestKill9Rewrite(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 7, "7. kill -9 of kxrun during rewrites (lb, archive, edit)")
	nRuns := pick(2000, 20000)
	trials := pick(10, 150)
	root := t.TempDir()
	exp := filepath.Join(root, "exp")
	fillTracker(t, exp, nRuns)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))

	target := ""
	cmdFor := func(i int) []string {
		target = tracker.FormatID(1 + r.IntN(nRuns))
		switch i % 4 {
		case 0:
			return []string{"lb", target, fmt.Sprintf("0.%d", 1000+i)}
		case 1:
			return []string{"archive", target}
		case 2:
			return []string{"unarchive", target}
		}
		return []string{"edit", target, "--notes", fmt.Sprintf("trial %d", i)}
	}
	// Calibrate: how long an uninterrupted rewrite takes here.
	o := kxrun(t, root, nil, append(cmdFor(0), "--dir", exp)...)
	if o.code != 0 {
		t.Fatalf("calibration: %s", o)
	}
	took := o.took
	s.peak(o.peakKB)

	var pending, finishedFirst, maxTemps int
	for i := 1; i <= trials; i++ {
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		cmd := kxrunCmd(root, nil, append(cmdFor(i), "--dir", exp)...)
		smp := startSampled(t, cmd)
		time.Sleep(time.Duration(r.Int64N(int64(took) * 3 / 2)))
		cmd.Process.Signal(syscall.SIGKILL)
		o := wait(t, cmd, smp)
		s.peak(o.peakKB)
		if o.code == 0 {
			finishedFirst++
		}
		// As the kill left it, before kxrun opens it again.
		journal := isFile(filepath.Join(exp, ".work", "edit.json"))
		if journal {
			pending++
		}
		if ps := rewriteAgrees(exp, nRuns, target); len(ps) > 0 && !journal {
			problems = append(problems, ps...)
		}
		temps, _ := filepath.Glob(filepath.Join(exp, ".runs.csv.tmp*"))
		dtemps, _ := filepath.Glob(filepath.Join(exp, "details", ".*.tmp*"))
		maxTemps = max(maxTemps, len(temps)+len(dtemps))
		// Opening it finishes an interrupted edit.
		if _, err := tracker.Open(exp); err != nil {
			bad("the tracker does not open: %v", err)
		}
		problems = append(problems, rewriteAgrees(exp, nRuns, target)...)
		s.trial(problems)
	}
	o = kxrun(t, root, nil, "lb", "run_1", "0.5", "--dir", exp)
	if o.code != 0 {
		s.fail("the last lb: " + o.String())
	}
	temps, _ := filepath.Glob(filepath.Join(exp, ".runs.csv.tmp*"))
	dtemps, _ := filepath.Glob(filepath.Join(exp, "details", ".*.tmp*"))
	if len(temps)+len(dtemps) > 0 {
		s.fail(fmt.Sprintf("temporary files left after a rewrite: %v %v", temps, dtemps))
	}
	s.note("a tracker of %d runs with a user column and an unreadable row; each rewrite (%s uninterrupted) killed at a random moment up to 1.5 times that: %d kills left an edit journal that the next kxrun finished, %d rewrites had finished before the kill; at most %d temporary files were left by a kill, all removed by the next rewrite",
		nRuns, took.Round(time.Millisecond), pending, finishedFirst, maxTemps)
}

// fillTracker makes a tracker of n runs, then adds a column of the user's
// ("mine", "note i" in every row) and a row kxrun cannot read.
func fillTracker(t *testing.T, dir string, n int) {
	tr, err := tracker.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for from := 0; from < n; from += 1000 {
		var batch []tracker.Pending
		for i := from; i < min(n, from+1000); i++ {
			cv := 0.7 + float64(i%1000)/10000
			batch = append(batch, tracker.Pending{Record: &tracker.Record{
				Name: fmt.Sprintf("r%05d", i), Date: date, Source: "log", Status: "ok", Direction: "maximize",
				ModelType: "m", Features: []string{"a"}, CVScores: []float64{cv}, CVScore: &cv,
				StartedAt: date, FinishedAt: date,
			}})
		}
		if _, err := tr.CommitBatch(batch); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "runs.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for i, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		extra := "mine"
		if i > 0 {
			extra = "note " + strconv.Itoa(i)
		}
		out.WriteString(strings.TrimSuffix(line, "\n") + "," + extra + "\n")
	}
	out.WriteString(unreadableRow)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

const unreadableRow = "not_a_run,??,,,,x,,,,,,,,,,,,,,,,,,,kept\n"

// rewriteAgrees checks runs.csv of a tracker made by fillTracker against
// the details, reading both independently of kxrun.
func rewriteAgrees(dir string, n int, target string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	data, err := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if err != nil {
		return []string{err.Error()}
	}
	if !bytes.HasSuffix(data, []byte(unreadableRow)) {
		bad("the unreadable row is not kept byte for byte at the end")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // the unreadable row
	recs, err := cr.ReadAll()
	if err != nil {
		return []string{"runs.csv does not parse: " + err.Error()}
	}
	if len(recs) != n+2 {
		bad("runs.csv has %d records, want %d", len(recs), n+2)
	}
	header := recs[0]
	if header[len(header)-1] != "mine" {
		bad("the user's column is not last: %v", header)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for k, rec := range recs[1 : len(recs)-1] {
		id := rec[col["run_id"]]
		if want := "note " + strconv.Itoa(k+1); rec[col["mine"]] != want {
			bad("%s: the user's column says %q, want %q", id, rec[col["mine"]], want)
		}
		if rec[col["lb_score"]] == "" && rec[col["notes"]] == "" && id != target {
			continue // never edited: nothing to compare but the above
		}
		d, err := readDetails(dir, id)
		if err != nil {
			bad("%s: %v", id, err)
			continue
		}
		if got, want := fmtFloat(d.LBScore), rec[col["lb_score"]]; !sameFloat(got, want) {
			bad("%s: lb_score is %q in the details, %q in runs.csv", id, got, want)
		}
		if notes := detailsNotes(dir, id); notes != rec[col["notes"]] {
			bad("%s: notes are %q in the details, %q in runs.csv", id, notes, rec[col["notes"]])
		}
	}
	return problems
}

// detailsNotes reads a run's notes from its details.
func detailsNotes(dir, id string) string {
	data, _ := os.ReadFile(filepath.Join(dir, "details", id+".json"))
	var d struct {
		Notes string `json:"notes"`
	}
	_ = json.Unmarshal(data, &d)
	return d.Notes
}

package reliability

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// op is an lb or archive command that succeeded, with when it ran.
type op struct {
	value      string // the LB score written, or "true"/"" for archived
	start, end time.Time
}

// TestConcurrentWriters has 4 kxrun processes log runs into one tracker
// while two loops record LB scores and one archives and unarchives runs, all
// at the same time, then checks that nothing was lost: every run once, ids
// distinct, and for every run the LB score (and archived flag) left is the
// one written last, in runs.csv and in the details.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 2, "2. concurrent writers")
	const writers = 4
	perWriter := pick(25, 1000)
	root := t.TempDir()
	exp := filepath.Join(root, "exp")
	npy := filepath.Join(root, "oof.npy")
	writeNpy(npy, 100, 0.5)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	var peak int64
	notePeak := func(kb int64) {
		mu.Lock()
		defer mu.Unlock()
		peak = max(peak, kb)
	}
	writing := make(chan struct{})
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Add(1)
		go func() {
			defer writersWG.Done()
			for i := range perWriter {
				args := []string{"log", "--dir", exp, "--name", fmt.Sprintf("w%d_%04d", w, i),
					"--cv", fmt.Sprintf("0.%d,0.8%d", 7000+w*1000+i, i%10), "--notes", fmt.Sprintf("writer %d, run %d", w, i)}
				if i%10 == 0 {
					args = append(args, "--oof", npy)
				}
				o := kxrun(t, root, nil, args...)
				notePeak(o.peakKB)
				if o.code != 0 {
					fail("writer %d run %d: %s", w, i, o)
				}
			}
		}()
	}
	go func() { writersWG.Wait(); close(writing) }()

	// Updaters pick runs that exist and change them until the writers are
	// done: two lb loops on the same runs, and one archive loop.
	lbs := map[string][]op{}
	archives := map[string][]op{}
	var lbCount, archiveCount int
	update := func(seed uint64, what string) {
		defer wg.Done()
		r := rand.New(rand.NewPCG(seed, 7))
		for n := 0; ; n++ {
			select {
			case <-writing:
				return
			default:
			}
			ids := existingIDs(exp)
			if len(ids) == 0 {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			// Recent runs are updated more, to race with their commits.
			id := ids[len(ids)-1-min(r.IntN(len(ids)), r.IntN(8))]
			start := time.Now()
			var o outcome
			var value string
			if what == "lb" {
				value = strconv.FormatFloat(float64(seed*1000000+uint64(n))/1e7, 'g', -1, 64)
				o = kxrun(t, root, nil, "lb", "--dir", exp, id, value)
			} else {
				cmd := "archive"
				if r.IntN(2) == 0 {
					cmd = "unarchive"
				} else {
					value = "true"
				}
				o = kxrun(t, root, nil, cmd, "--dir", exp, id)
			}
			end := time.Now()
			notePeak(o.peakKB)
			if o.code != 0 {
				fail("%s %s: %s", what, id, o)
				continue
			}
			mu.Lock()
			if what == "lb" {
				lbs[id] = append(lbs[id], op{value, start, end})
				lbCount++
			} else {
				archives[id] = append(archives[id], op{value, start, end})
				archiveCount++
			}
			mu.Unlock()
		}
	}
	wg.Add(3)
	go update(1, "lb")
	go update(2, "lb")
	go update(3, "archive")
	writersWG.Wait()
	wg.Wait()
	s.peak(peak)

	want := writers * perWriter
	problems := append([]string(nil), failures...)
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	st, ps := checkTracker(exp)
	problems = append(problems, ps...)
	problems = append(problems, pandasProblems(s, st)...)
	names := map[string]int{}
	for _, row := range st.rows {
		names[row["name"]]++
	}
	if len(st.rows) != want || len(st.byID) != want || len(names) != want {
		bad("%d rows, %d distinct ids, %d distinct names; want %d of each", len(st.rows), len(st.byID), len(names), want)
	}
	for w := range writers {
		for i := range perWriter {
			if n := names[fmt.Sprintf("w%d_%04d", w, i)]; n != 1 {
				bad("run w%d_%04d is logged %d times", w, i, n)
			}
		}
	}
	lost := len(failures)
	for id, ops := range lbs {
		got := st.byID[id]["lb_score"]
		if !lastWrite(ops, got) {
			lost++
			bad("%s: runs.csv has lb_score %q, which is not the last one written (%s)", id, got, describeOps(ops))
		}
	}
	for id, ops := range archives {
		got := st.byID[id]["archived"]
		if !lastWrite(ops, got) {
			lost++
			bad("%s: runs.csv has archived=%q, which is not the last one written (%s)", id, got, describeOps(ops))
		}
	}
	// Each command is a trial; a tracker problem counts against the run
	// it names (or once).
	for _, row := range st.rows {
		if names[row["name"]] != 1 {
			lost++
		}
	}
	lost += max(0, want-len(names)) + len(ps)

	// Then three `kxrun lb` of one run at the same moment, again and again:
	// the score in runs.csv and in the details must agree after each round.
	rounds := pick(30, 300)
	failedBefore := len(failures)
	racesLost := 0
	var raceProblems []string
	for i := range rounds {
		id := fmt.Sprintf("run_%03d", 1+i%want)
		var round sync.WaitGroup
		for k := range 3 {
			round.Add(1)
			go func() {
				defer round.Done()
				if o := kxrun(t, root, nil, "lb", "--dir", exp, id, fmt.Sprintf("%d.%d", k+1, i)); o.code != 0 {
					fail("lb %s: %s", id, o)
				}
			}()
		}
		round.Wait()
		d, err := readDetails(exp, id)
		rows, _, _ := mustOpen(t, exp).Runs()
		var csvLB *float64
		for _, r := range rows {
			if r.RunID == id {
				csvLB = r.LBScore
			}
		}
		if err != nil {
			racesLost++
			raceProblems = append(raceProblems, fmt.Sprintf("round %d of simultaneous lb on %s: %v", i, id, err))
		} else if fmtFloat(d.LBScore) != fmtFloat(csvLB) {
			racesLost++
			raceProblems = append(raceProblems, fmt.Sprintf("round %d of simultaneous lb on %s: runs.csv says %s, the details %s", i, id, fmtFloat(csvLB), fmtFloat(d.LBScore)))
		}
	}
	problems = append(problems, raceProblems...)
	problems = append(problems, failures[failedBefore:]...)
	lost += len(failures) - failedBefore
	if _, ps := checkTracker(exp); len(ps) > 0 {
		lost += len(ps)
		problems = append(problems, ps...)
	}
	lost += racesLost
	s.counts(want+lbCount+archiveCount+rounds, lost, problems)
	s.note("%d `kxrun log` processes x %d runs (1 in 10 with an .npy), while two loops ran %d `kxrun lb` on the same runs and one ran %d `kxrun archive`/`unarchive`: %d rows, %d distinct ids; then %d rounds of 3 simultaneous `kxrun lb` of one run, %d of which left runs.csv and the details disagreeing; trials are runs logged, updates and rounds, lost ones are those not kept",
		writers, perWriter, lbCount, archiveCount, len(st.rows), len(st.byID), rounds, racesLost)
}

func mustOpen(t testing.TB, dir string) *tracker.Tracker {
	t.Helper()
	tr, err := tracker.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// existingIDs lists the run ids in the tracker, in order.
func existingIDs(dir string) []string {
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err != nil {
		return nil
	}
	tr, err := tracker.Open(dir)
	if err != nil {
		return nil
	}
	rows, _, err := tr.Runs()
	if err != nil {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.RunID
	}
	return ids
}

// lastWrite reports whether got can be the value left by ops: the value of
// an op that no other op certainly followed (one that started after it
// ended).
func lastWrite(ops []op, got string) bool {
	for _, a := range ops {
		if !sameFloat(a.value, got) && a.value != got {
			continue
		}
		later := false
		for _, b := range ops {
			if b.start.After(a.end) {
				later = true
				break
			}
		}
		if !later {
			return true
		}
	}
	return false
}

func describeOps(ops []op) string {
	sort.Slice(ops, func(i, j int) bool { return ops[i].start.Before(ops[j].start) })
	s := ""
	for i, o := range ops {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q at %s-%s", o.value, o.start.Format("15:04:05.000"), o.end.Format(".000"))
	}
	return s
}

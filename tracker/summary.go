package tracker

import (
	"cmp"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/kxrun/kxrun/internal/fileutil"
)

// A commit needs little of the history: the last run number, the last ok
// run, the first ok run and the baseline. A process that has not read
// runs.csv yet (every `kxrun log` is a new process) would have to read it
// all to find them, a cost that grows with the history. The summary keeps
// them, with the identity of the runs.csv they were read from, in a small
// file rewritten after each commit. Of the plans, it keeps the last ok run
// of the summaryPlans run most recently: a history of thousands of plans
// would otherwise make the file, and every commit, grow with it. A commit
// of an older plan reads runs.csv in full once. It is only a cache: when it does not
// match runs.csv exactly (another version of kxrun, a crash between the
// append and the summary, a rewrite by `kxrun lb`), runs.csv is read in
// full as before, and the summary written again.

const summaryName = "summary.json"

// summaryVersion changes with what the summary holds.
const summaryVersion = 3

// summaryPlans is how many plans' last ok runs the summary keeps.
const summaryPlans = 64

type summary struct {
	Dev, Ino uint64
	Size     int64
	CRLF     bool // runs.csv's lines end in "\r\n"
	MtimeNs  int64
	LastNum  int
	// CSV is the header and the rows named below, in runs.csv's encoding.
	CSV                       string
	LastOK, FirstOK, Baseline int // 1-based positions in CSV, 0 for none
	BaselineID                string
	LastOKOfPlan              map[string]int // by plan, positions in CSV
	// PlansDropped: LastOKOfPlan lacks plans run less recently.
	PlansDropped bool
	Version      int // summaryVersion; another is read as no summary
}

func (t *Tracker) summaryPath() string { return t.path(workName, summaryName) }

func identity(fi os.FileInfo) (dev, ino uint64, mtime int64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return uint64(st.Dev), st.Ino, fi.ModTime().UnixNano(), true
}

// summaryEvery spaces the summary's rewrites during a sweep: it only
// matters to the next process, and Flush writes the last one. A variable
// for tests.
var summaryEvery = 500 * time.Millisecond

// saveSummarySoon saves the summary after a commit, unless this process
// saved it less than summaryEvery ago. The caller holds the lock.
func (t *Tracker) saveSummarySoon() {
	if !t.summarySaved.IsZero() && time.Since(t.summarySaved) < summaryEvery {
		t.summaryBehind = true
		return
	}
	t.saveSummary()
	t.summarySaved, t.summaryBehind = time.Now(), false
}

// Flush writes the summary that commits of this process left for later,
// so that the next process does not have to read runs.csv. Without it the
// next process reads runs.csv once: the summary is only a cache.
func (t *Tracker) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.summaryBehind {
		return nil
	}
	l, err := acquire(t.path(lockName))
	if err != nil {
		return err
	}
	defer l.release()
	if err := t.refreshBaseline(); err != nil {
		return err
	}
	if err := t.refresh(false); err != nil {
		return err
	}
	t.saveSummary()
	t.summarySaved, t.summaryBehind = time.Now(), false
	return nil
}

// saveSummary records what t.seen knows. The caller holds the lock and
// t.seen is up to date with runs.csv. Errors are ignored: the summary is
// a cache.
func (t *Tracker) saveSummary() {
	fi := t.seen.info
	if fi == nil || t.seen.header == nil || fi.Size() != t.seen.size {
		return
	}
	dev, ino, mtime, ok := identity(fi)
	if !ok {
		return
	}
	s := summary{Dev: dev, Ino: ino, CRLF: t.seen.crlf, Size: t.seen.size, MtimeNs: mtime, LastNum: t.seen.lastNum, BaselineID: t.seen.baselineID}
	var rows []Row
	pos := func(r *Row) int {
		if r == nil {
			return 0
		}
		rows = append(rows, *r)
		return len(rows)
	}
	s.LastOK, s.FirstOK, s.Baseline = pos(t.seen.lastOK), pos(t.seen.firstOK), pos(t.seen.baseline)
	s.Version, s.LastOKOfPlan = summaryVersion, map[string]int{}
	plans := slices.SortedFunc(maps.Keys(t.seen.lastOKOfPlan), func(a, b string) int {
		return cmp.Compare(t.seen.lastOKOfPlan[b].Number, t.seen.lastOKOfPlan[a].Number)
	})
	s.PlansDropped = t.seen.plansPartial || len(plans) > summaryPlans
	for _, plan := range plans[:min(len(plans), summaryPlans)] {
		s.LastOKOfPlan[plan] = pos(t.seen.lastOKOfPlan[plan])
	}
	s.CSV = string(encodeRows(rows, t.seen.header, true))
	data, err := json.Marshal(s)
	if err != nil {
		return
	}
	// In place: it is rewritten after every commit. A torn or mixed file
	// fails to decode or to match, and runs.csv is read instead.
	_ = fileutil.Overwrite(t.summaryPath(), data, 0o644)
}

// loadSummary fills t.seen from the summary if it describes runs.csv as it
// is (fi), and reports whether it did.
func (t *Tracker) loadSummary(fi os.FileInfo) bool {
	data, err := os.ReadFile(t.summaryPath())
	if err != nil {
		return false
	}
	var s summary
	if json.Unmarshal(data, &s) != nil {
		return false
	}
	dev, ino, mtime, ok := identity(fi)
	if !ok || s.Version != summaryVersion || s.Dev != dev || s.Ino != ino || s.Size != fi.Size() || s.MtimeNs != mtime || s.BaselineID != t.seen.baselineID {
		return false
	}
	p, err := parseCSV([]byte(s.CSV), t.summaryPath())
	if err != nil || p.torn || len(p.warnings) > 0 {
		return false
	}
	row := func(i int) (*Row, bool) {
		if i == 0 {
			return nil, true
		}
		if i < 0 || i > len(p.rows) {
			return nil, false
		}
		return &p.rows[i-1], true
	}
	lastOK, ok1 := row(s.LastOK)
	firstOK, ok2 := row(s.FirstOK)
	baseline, ok3 := row(s.Baseline)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	t.forget()
	t.seen.info, t.seen.header, t.seen.crlf, t.seen.size, t.seen.lastNum = fi, p.header, s.CRLF, s.Size, s.LastNum
	t.seen.lastOK, t.seen.firstOK, t.seen.baseline = lastOK, firstOK, baseline
	t.seen.lastOKOfPlan = map[string]*Row{}
	for plan, i := range s.LastOKOfPlan {
		r, ok := row(i)
		if !ok || r == nil {
			t.forget()
			return false
		}
		t.seen.lastOKOfPlan[plan] = r
	}
	t.seen.plansPartial = s.PlansDropped
	return true
}

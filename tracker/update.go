package tracker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/kxrun/kxrun/internal/suggest"
)

const baselineName = "baseline"

// Rewrite replaces runs.csv with what edit makes of its rows, atomically and
// under the lock, so that a concurrent append is never lost. edit may
// change rows but not add, remove or reorder them. Nothing else changes:
// rows kxrun cannot read are written back byte for byte, columns it does
// not know keep their place and values, and an older layout gains the
// columns it lacks at the end (see table).
func (t *Tracker) Rewrite(edit func(rows []Row) error) error {
	return t.locked(func() error { return t.rewriteLocked(edit) })
}

// locked runs fn holding this process's mutex and the tracker's
// exclusive lock; an error taking the lock is returned without running fn.
func (t *Tracker) locked(fn func() error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, err := acquire(t.path(lockName))
	if err != nil {
		return err
	}
	defer l.release()
	return fn()
}

// rewriteLocked is Rewrite for a caller that holds both locks.
func (t *Tracker) rewriteLocked(edit func(rows []Row) error) error {
	if err := t.recoverLocked(); err != nil {
		return err
	}
	t.removeStaleTemps()
	return t.rewriteCSV(edit)
}

// rewriteCSV is rewriteLocked without the recovery of an interrupted edit.
func (t *Tracker) rewriteCSV(edit func(rows []Row) error) error {
	if err := t.refresh(true); err != nil {
		return err
	}
	data, err := os.ReadFile(t.CSVPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tb, err := readTable(data, t.CSVPath())
	if err != nil {
		return err
	}
	for _, w := range tb.warnings {
		t.warn(w)
	}
	tb.fillMissing(t.Details)
	n := len(tb.rows)
	if err := edit(tb.rows); err != nil {
		return err
	}
	if len(tb.rows) != n {
		return fmt.Errorf("internal error: a rewrite of %s changed its number of rows", t.CSVPath())
	}
	if err := writeFileAtomic(t.CSVPath(), tb.encode(), 0o644); err != nil {
		return fmt.Errorf("rewrite %s: %w", t.CSVPath(), err)
	}
	t.forget() // a new file: read it again in full next time
	return syncDir(t.Dir)
}

// warn passes on what a rewrite could not read (and kept).
func (t *Tracker) warn(msg string) {
	if t.Warn != nil {
		t.Warn(msg)
	}
}

// UnknownRunError says a run reference matched nothing.
type UnknownRunError struct {
	Ref     string
	Closest []string
}

func (e *UnknownRunError) Error() string {
	msg := fmt.Sprintf("no run %q in the tracker", e.Ref)
	if len(e.Closest) > 0 {
		msg += "; closest: " + strings.Join(e.Closest, ", ")
	}
	return msg
}

// AmbiguousRunError says a name matched several runs.
type AmbiguousRunError struct {
	Ref string
	IDs []string
}

func (e *AmbiguousRunError) Error() string {
	return fmt.Sprintf("%q names %d runs (%s): use a run id", e.Ref, len(e.IDs), strings.Join(e.IDs, ", "))
}

// Find resolves a run reference: a run id ("run_012"), a number ("12") or a
// name that only one run has.
func Find(rows []Row, ref string) (int, error) {
	if n, ok := ParseID(ref); ok {
		for i := range rows {
			if rows[i].Number == n {
				return i, nil
			}
		}
	}
	var hits []int
	for i := range rows {
		if rows[i].Name == ref {
			hits = append(hits, i)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return -1, &UnknownRunError{Ref: ref, Closest: closest(rows, ref, 3)}
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = rows[h].RunID
	}
	return -1, &AmbiguousRunError{Ref: ref, IDs: ids}
}

// closest lists the run ids and names nearest to ref by edit distance.
func closest(rows []Row, ref string, n int) []string {
	type cand struct {
		label string
		dist  int
	}
	seen := map[string]bool{}
	var cands []cand
	for _, r := range rows {
		for _, label := range []string{r.RunID, r.Name} {
			if label == "" || seen[label] {
				continue
			}
			seen[label] = true
			cands = append(cands, cand{label, suggest.Distance(ref, label)})
		}
	}
	// Partial selection keeps this linear in the number of runs.
	var out []string
	for len(out) < n && len(cands) > 0 {
		best := 0
		for i := range cands {
			if cands[i].dist < cands[best].dist {
				best = i
			}
		}
		if cands[best].dist > max(3, len(ref)/2) {
			break
		}
		out = append(out, cands[best].label)
		cands = append(cands[:best], cands[best+1:]...)
	}
	return out
}

// SetLB records a leaderboard score for a run (nil clears it) and returns
// the updated row.
func (t *Tracker) SetLB(ref string, score *float64) (Row, error) {
	return t.editRun(ref, func(rec *Record) { rec.LBScore = score })
}

// SetArchived hides runs from reports (or shows them again). Nothing is
// deleted.
func (t *Tracker) SetArchived(refs []string, archived bool) ([]Row, error) {
	var changed []Row
	err := t.Rewrite(func(rows []Row) error {
		for _, ref := range refs {
			i, err := Find(rows, ref)
			if err != nil {
				return err
			}
			rows[i].Archived = archived
			changed = append(changed, rows[i])
		}
		return nil
	})
	return changed, err
}

// SetBaseline makes a run the one every new run is compared with.
func (t *Tracker) SetBaseline(ref string) (Row, error) {
	rows, _, err := t.Runs()
	if err != nil {
		return Row{}, err
	}
	i, err := Find(rows, ref)
	if err != nil {
		return Row{}, err
	}
	if err := writeFileAtomic(t.path(baselineName), []byte(rows[i].RunID+"\n"), 0o644); err != nil {
		return Row{}, err
	}
	return rows[i], syncDir(t.Dir)
}

// BaselineID is the run set with SetBaseline, or "".
func (t *Tracker) BaselineID() (string, error) {
	data, err := os.ReadFile(t.path(baselineName))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(data)), err
}

// refreshBaseline picks up a baseline set by any process since the last
// commit; the caller holds the lock.
func (t *Tracker) refreshBaseline() error {
	id, err := t.BaselineID()
	if err != nil {
		return err
	}
	if id != t.seen.baselineID {
		t.seen.baselineID = id
		t.forget() // find that run's row in a full read
	}
	return nil
}

// Baseline returns the baseline run among rows: the one set with
// SetBaseline, else the first ok run; nil when there is none.
func Baseline(rows []Row, baselineID string) *Row {
	for i := range rows {
		if baselineID != "" && rows[i].RunID == baselineID {
			return &rows[i]
		}
	}
	if baselineID != "" {
		return nil
	}
	for i := range rows {
		if rows[i].Status == "ok" {
			return &rows[i]
		}
	}
	return nil
}

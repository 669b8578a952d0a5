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
// under the lock, so that a concurrent append is never lost. The file is
// written with the current columns (an older layout is upgraded).
func (t *Tracker) Rewrite(edit func(rows []Row) error) error {
	return t.rewrite(edit, nil)
}

// rewrite is Rewrite, then, still under the lock, after (when set): a
// change that runs.csv and another file must agree on is made in one
// critical section, so that two processes cannot interleave their halves.
func (t *Tracker) rewrite(edit func(rows []Row) error, after func() error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, err := acquire(t.path(lockName))
	if err != nil {
		return err
	}
	defer l.release()
	if err := t.refresh(true); err != nil {
		return err
	}
	data, err := os.ReadFile(t.CSVPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	p, err := parseCSV(data, t.CSVPath())
	if err != nil {
		return err
	}
	if err := edit(p.rows); err != nil {
		return err
	}
	if err := writeFileAtomic(t.CSVPath(), encodeRows(p.rows, Columns, true), 0o644); err != nil {
		return fmt.Errorf("rewrite %s: %w", t.CSVPath(), err)
	}
	t.forget() // a new file: read it again in full next time
	if err := syncDir(t.Dir); err != nil {
		return err
	}
	if after != nil {
		return after()
	}
	return nil
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
// the updated row. The details file is updated after runs.csv, which is
// the authority, under the same lock: two `kxrun lb` at once must not leave
// one's score in runs.csv and the other's in the details.
func (t *Tracker) SetLB(ref string, score *float64) (Row, error) {
	var updated Row
	err := t.rewrite(func(rows []Row) error {
		i, err := Find(rows, ref)
		if err != nil {
			return err
		}
		rows[i].LBScore = score
		rows[i].CVLBGap = gap(rows[i].CVScore, score)
		updated = rows[i]
		return nil
	}, func() error {
		return t.editDetails(updated.RunID, func(rec *Record) { rec.LBScore = score })
	})
	if err != nil {
		return Row{}, err
	}
	return updated, nil
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

// editDetails rewrites a run's details atomically.
func (t *Tracker) editDetails(runID string, edit func(*Record)) error {
	rec, err := t.Details(runID)
	if err != nil {
		return err
	}
	edit(rec)
	data, err := detailsJSON(rec)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(t.path(detailsDir, runID+".json"), data, 0o644); err != nil {
		return err
	}
	return syncDir(t.path(detailsDir))
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

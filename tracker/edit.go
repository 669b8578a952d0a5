package tracker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// An edit of logged runs (a leaderboard score, a note, a name, a
// direction) changes two files per run: its row in runs.csv and its
// details record. No rename changes both at once, so the edit is first
// written whole to a journal: a crash at any point leaves either no
// journal (nothing changed, or everything did) or a journal that the next
// process to open the tracker carries out again to the end (every step is
// idempotent). The order is: journal, runs.csv, details, journal removed.

const journalName = "edit.json"

type journal struct {
	Records []*Record `json:"records"` // the details of the edited runs, as they become
}

func (t *Tracker) journalPath() string { return t.path(workName, journalName) }

// EditRuns changes the details of the runs refs name with edit, and their
// rows to match, under the lock and crash-safe; it returns the new rows.
func (t *Tracker) EditRuns(refs []string, edit func(rec *Record) error) ([]Row, error) {
	var changed []Row
	err := t.locked(func() error {
		var err error
		changed, err = t.editRunsLocked(refs, edit)
		return err
	})
	return changed, err
}

func (t *Tracker) editRunsLocked(refs []string, edit func(rec *Record) error) ([]Row, error) {
	var j journal
	var changed []Row
	journaled := false
	err := t.rewriteLocked(func(rows []Row) error {
		var idx []int
		for _, ref := range refs {
			i, err := Find(rows, ref)
			if err != nil {
				return err
			}
			rec, err := t.Details(rows[i].RunID)
			if err != nil {
				return err
			}
			if err := edit(rec); err != nil {
				return err
			}
			j.Records = append(j.Records, rec)
			idx = append(idx, i)
		}
		for k, i := range idx {
			syncRow(&rows[i], j.Records[k])
			changed = append(changed, rows[i])
		}
		data, err := json.Marshal(j)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(t.journalPath(), data, 0o644); err != nil {
			return fmt.Errorf("write the edit journal: %w", err)
		}
		journaled = true
		return syncDir(t.path(workName))
	})
	if err != nil {
		if journaled { // runs.csv was not replaced: nothing changed
			os.Remove(t.journalPath())
		}
		return nil, err
	}
	return changed, t.finishJournal(&j)
}

// syncRow copies into a run's row what an edit may change in its record.
func syncRow(r *Row, rec *Record) {
	r.Name, r.Notes, r.Direction, r.Metric = rec.Name, rec.Notes, rec.Direction, rec.Metric
	r.LBScore, r.PrivateLB = rec.LBScore, rec.PrivateLB
	r.CVLBGap = gap(r.CVScore, r.LBScore)
}

// finishJournal writes the details of a journal whose runs.csv is in place,
// then removes the journal.
func (t *Tracker) finishJournal(j *journal) error {
	for _, rec := range j.Records {
		data, err := detailsJSON(rec)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(t.path(detailsDir, rec.RunID+".json"), data, 0o644); err != nil {
			return fmt.Errorf("write details of %s: %w", rec.RunID, err)
		}
	}
	if err := syncDir(t.path(detailsDir)); err != nil {
		return err
	}
	if err := os.Remove(t.journalPath()); err != nil {
		return err
	}
	return syncDir(t.path(workName))
}

// recoverLocked carries out an edit that a crash interrupted. The caller
// holds both locks.
func (t *Tracker) recoverLocked() error {
	data, err := os.ReadFile(t.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the edit journal: %w", err)
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		// It is written whole or not at all; a damaged one is no edit.
		t.warn(fmt.Sprintf("%s is damaged (%v): removed", t.journalPath(), err))
		return os.Remove(t.journalPath())
	}
	byID := map[string]*Record{}
	for _, rec := range j.Records {
		byID[rec.RunID] = rec
	}
	if err := t.rewriteCSV(func(rows []Row) error {
		for i := range rows {
			if rec := byID[rows[i].RunID]; rec != nil {
				syncRow(&rows[i], rec)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	t.warn(fmt.Sprintf("finished an edit of %d run(s) that an earlier kxrun was stopped in", len(j.Records)))
	return t.finishJournal(&j)
}

// recover carries out an interrupted edit, if there is one, when the
// tracker is opened; a tracker that cannot be written is read as it is.
func (t *Tracker) recover() error {
	if _, err := os.Stat(t.journalPath()); err != nil {
		return nil
	}
	err := t.locked(t.recoverLocked)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return nil // read-only: read it as it is
	}
	return err
}

// removeStaleTemps deletes the temporary files of rewrites that a crash
// interrupted. The caller holds the lock, under which all of them are
// written, so none is in use.
func (t *Tracker) removeStaleTemps() {
	for _, pattern := range []string{
		t.path("." + csvName + ".tmp*"),
		t.path(detailsDir, ".*.json.tmp*"),
		t.path(workName, "."+journalName+".tmp*"),
	} {
		names, _ := filepath.Glob(pattern)
		for _, n := range names {
			os.Remove(n)
		}
	}
}

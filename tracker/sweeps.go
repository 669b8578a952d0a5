package tracker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Each sweep leaves a record of what it did in sweeps/<id>.json, so that
// `kxrun sweeps` can list past sweeps and show one without running
// anything. Ids are s1, s2, ...: created with O_EXCL, so two sweeps that
// end at once get different ones.
const sweepsDir = "sweeps"

// SweepRecord is the summary of a past sweep.
type SweepRecord struct {
	ID          string    `json:"id"`
	Command     string    `json:"command"` // ablation, seeds, run
	Plan        string    `json:"plan"`
	PlanFile    string    `json:"plan_file"`
	PID         int       `json:"pid"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	Total       int       `json:"runs_total"`
	OK          int       `json:"runs_ok"`
	Failed      int       `json:"runs_failed"`
	Cancelled   int       `json:"runs_cancelled"`
	NotStarted  int       `json:"runs_not_started"`
	Cached      int       `json:"runs_cached"`
	Fresh       int       `json:"runs_fresh"`
	Interrupted bool      `json:"interrupted"`
	RunIDs      []string  `json:"run_ids"` // in the plan's order; "" for a run never started
}

// SaveSweep records a sweep that ended and sets its id.
func (t *Tracker) SaveSweep(s *SweepRecord) error {
	dir := t.path(sweepsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("record the sweep: %w", err)
	}
	entries, _ := os.ReadDir(dir)
	n := len(entries)
	for {
		n++
		s.ID = "s" + strconv.Itoa(n)
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		err = createFile(t.path(sweepsDir, s.ID+".json"), append(data, '\n'), 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("record the sweep: %w", err)
		}
		return syncDir(dir)
	}
}

// Sweeps lists the recorded sweeps, oldest first.
func (t *Tracker) Sweeps() ([]*SweepRecord, error) {
	ids, err := jsonNames(t.path(sweepsDir))
	if err != nil {
		return nil, err
	}
	var out []*SweepRecord
	for _, id := range ids {
		if strings.HasPrefix(id, ".") {
			continue
		}
		s, err := t.Sweep(id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *SweepRecord) int { return sweepNumber(a.ID) - sweepNumber(b.ID) })
	return out, nil
}

func sweepNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "s"))
	return n
}

// Sweep reads the record of sweep id ("s3" or "3").
func (t *Tracker) Sweep(id string) (*SweepRecord, error) {
	if _, err := strconv.Atoi(id); err == nil {
		id = "s" + id
	}
	if n := sweepNumber(id); n <= 0 || id != "s"+strconv.Itoa(n) {
		return nil, &UnknownSweepError{ID: id}
	}
	data, err := os.ReadFile(t.path(sweepsDir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &UnknownSweepError{ID: id}
	}
	if err != nil {
		return nil, err
	}
	var s SweepRecord
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("sweep %s: %w", id, err)
	}
	return &s, nil
}

// UnknownSweepError is a sweep id that names no recorded sweep.
type UnknownSweepError struct{ ID string }

func (e *UnknownSweepError) Error() string {
	return fmt.Sprintf("no sweep %q in the tracker (kxrun sweeps lists them)", e.ID)
}

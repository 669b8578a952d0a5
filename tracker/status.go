package tracker

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const statusDir = "status"

// SweepStatus is what a running sweep publishes for `kxrun status`.
type SweepStatus struct {
	PID       int          `json:"pid"`
	Command   string       `json:"command"` // ablation, seeds, run
	Plan      string       `json:"plan"`
	PlanFile  string       `json:"plan_file"`
	Started   time.Time    `json:"started"`
	Updated   time.Time    `json:"updated"`
	Total     int          `json:"total"`
	Done      int          `json:"done"`
	Failed    int          `json:"failed"`
	Cached    int          `json:"cached"`
	Running   []RunningRun `json:"running"`
	DurationS []float64    `json:"durations_s"` // of fresh finished runs, for the ETA
	Jobs      int          `json:"jobs"`
	Best      *float64     `json:"best,omitempty"`
	Finished  bool         `json:"finished"`
}

// RunningRun is a run in progress.
type RunningRun struct {
	Name    string    `json:"name"`
	Started time.Time `json:"started"`
	GPU     *int      `json:"gpu,omitempty"`
}

func (t *Tracker) statusPath(pid int) string {
	return t.path(workName, statusDir, strconv.Itoa(pid)+".json")
}

// WriteStatus publishes a sweep's progress (atomically, not synced: it is
// only a view of work in progress).
func (t *Tracker) WriteStatus(s *SweepStatus) error {
	path := t.statusPath(s.PID)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// RemoveStatus withdraws a sweep's status when it ends.
func (t *Tracker) RemoveStatus(pid int) {
	os.Remove(t.statusPath(pid))
}

// Statuses lists the sweeps running on this tracker. Statuses left by
// processes that died are returned separately (and removed).
func (t *Tracker) Statuses() (live, dead []*SweepStatus, err error) {
	names, err := jsonNames(t.path(workName, statusDir))
	if err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		data, err := os.ReadFile(t.path(workName, statusDir, name+".json"))
		if err != nil {
			continue
		}
		var s SweepStatus
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, nil, fmt.Errorf("status of process %d: %w", pid, err)
		}
		if processAlive(pid) {
			live = append(live, &s)
		} else {
			dead = append(dead, &s)
			t.RemoveStatus(pid)
		}
	}
	return live, dead, nil
}

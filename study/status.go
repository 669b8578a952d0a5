package study

import (
	"os"
	"slices"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/tracker"
)

// The sweep publishes its progress in the tracker for `kxrun status`; the
// caller holds s.mu for all of these.

func (s *sweep) startStatus(total, cached int) {
	now := time.Now()
	s.status = &tracker.SweepStatus{
		PID: os.Getpid(), Command: s.opts.Source, Plan: s.opts.Plan.Name, PlanFile: s.opts.Plan.Path,
		Started: now, Total: total, Done: cached, Cached: cached, Jobs: s.opts.Jobs,
		Running: []tracker.RunningRun{}, DurationS: []float64{},
	}
	for _, f := range s.finished {
		if f != nil {
			s.noteBest(f.Record)
		}
	}
	s.writeStatus()
	if s.opts.Events != nil {
		s.opts.Events.SweepStarted(total, cached)
	}
}

func (s *sweep) updateStatus(f *Finished) {
	st := s.status
	st.Done++
	if f.Record.Status != string(runner.StatusOK) {
		st.Failed++
	}
	st.DurationS = append(st.DurationS, f.Record.DurationS)
	st.Running = slices.DeleteFunc(st.Running, func(r tracker.RunningRun) bool { return r.Name == f.Spec.Name })
	s.noteBest(f.Record)
	s.writeStatus()
}

func (s *sweep) noteBest(rec *tracker.Record) {
	if rec.CVScore == nil {
		return
	}
	if b := s.status.Best; b == nil || plan.Direction(rec.Direction).Better(*rec.CVScore, *b) {
		v := *rec.CVScore
		s.status.Best = &v
	}
}

// statusEvery bounds how often the status file is rewritten: each write
// creates a file, and on ext4 a sweep of short runs that churns through
// files slows down as it goes (inode allocation skips recently deleted
// inodes). A skipped write is made up for by a timer, so the file is never
// more than statusEvery behind.
const statusEvery = 250 * time.Millisecond

// writeStatus publishes the status now or soon; the caller holds s.mu.
func (s *sweep) writeStatus() {
	now := time.Now()
	if wait := statusEvery - now.Sub(s.statusWritten); wait > 0 {
		if s.statusTimer == nil {
			s.statusTimer = time.AfterFunc(wait, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.statusTimer = nil
				if !s.statusDone {
					s.flushStatus()
				}
			})
		}
		return
	}
	s.flushStatus()
}

func (s *sweep) flushStatus() {
	s.statusWritten = time.Now()
	s.status.Updated = s.statusWritten
	// Progress is a convenience: a status that cannot be written must not
	// stop the sweep.
	_ = s.opts.Tracker.WriteStatus(s.status)
}

// endStatus withdraws the status when the sweep ends.
func (s *sweep) endStatus() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statusDone = true
	if s.statusTimer != nil {
		s.statusTimer.Stop()
	}
	s.opts.Tracker.RemoveStatus(os.Getpid())
}

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

func (s *sweep) writeStatus() {
	s.status.Updated = time.Now()
	// Progress is a convenience: a status that cannot be written must not
	// stop the sweep.
	_ = s.opts.Tracker.WriteStatus(s.status)
}

package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/kxrun/kxrun/progress"
	"github.com/kxrun/kxrun/tracker"
)

// The live page shows what `kxrun status` prints, and the latest runs;
// /events tells open pages when either changed (server-sent events), and
// they fetch the part that did.

type sweepView struct {
	*tracker.SweepStatus
	Ago     string
	ETA     string
	Running []runningView
}

type runningView struct {
	Name string
	For  string
	GPU  *int
}

type liveData struct {
	common
	Live   []sweepView
	Dead   []*tracker.SweepStatus
	Recent []*tracker.Row
}

// recentRuns is how many of the latest runs the live page lists.
const recentRuns = 20

// refreshStatus reads the sweeps' status files and notes a change.
func (s *Server) refreshStatus() ([]*tracker.SweepStatus, []*tracker.SweepStatus) {
	live, dead, err := s.tr.Statuses()
	key := ""
	if err != nil {
		key = err.Error()
	} else if b, err := json.Marshal([2]any{live, dead}); err == nil {
		key = string(b)
	}
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	if key != s.statusKey {
		s.statusKey = key
		s.statusGen++
	}
	// Stopped sweeps are reported once by Statuses (their files are
	// removed): keep the last ones seen.
	if len(dead) > 0 {
		s.dead = dead
	}
	return live, s.dead
}

func (s *Server) livePage(w http.ResponseWriter, r *http.Request) {
	sn := s.state.snapshot()
	live, dead := s.refreshStatus()
	d := &liveData{common: s.common(sn, "Live", "live"), Dead: dead}
	now := time.Now()
	for _, st := range live {
		var busy time.Duration
		for _, x := range st.DurationS {
			busy += time.Duration(x * float64(time.Second))
		}
		v := sweepView{SweepStatus: st, Ago: now.Sub(st.Started).Round(time.Second).String(),
			ETA: progress.ETA(st.Total-st.Done, len(st.DurationS), busy, st.Jobs)}
		for _, rr := range st.Running {
			v.Running = append(v.Running, runningView{Name: rr.Name, For: now.Sub(rr.Started).Round(time.Second).String(), GPU: rr.GPU})
		}
		d.Live = append(d.Live, v)
	}
	for i := len(sn.rows) - 1; i >= 0 && len(d.Recent) < recentRuns; i-- {
		d.Recent = append(d.Recent, &sn.rows[i])
	}
	part := ""
	if r.URL.Query().Get("partial") == "1" {
		part = "live"
	}
	s.render(w, "live", part, d)
}

// events streams {"gen": ..., "status": ...} whenever the runs or the
// sweeps' status change, and a comment now and then to keep the
// connection open.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "kxrun ui: streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	var lastGen, lastStatus uint64
	sent := false
	idle := 0
	for {
		gen := s.state.snapshot().gen
		s.statusMu.Lock()
		sg := s.statusGen
		s.statusMu.Unlock()
		if !sent || gen != lastGen || sg != lastStatus {
			fmt.Fprintf(w, "data: {\"gen\":%d,\"status\":%d}\n\n", gen, sg)
			lastGen, lastStatus, sent, idle = gen, sg, true, 0
			flusher.Flush()
		} else if idle++; time.Duration(idle)*s.opts.Poll > 15*time.Second {
			fmt.Fprint(w, ": ping\n\n")
			idle = 0
			flusher.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
	}
}

package study

import (
	"time"

	"github.com/kxrun/kxrun/plan"
)

// PlanInfo says which plan a sweep's summary is of; its fields open the
// summary's JSON.
type PlanInfo struct {
	Plan        string `json:"plan"`
	PlanFile    string `json:"plan_file"`
	Competition string `json:"competition,omitempty"`
	Metric      string `json:"metric"`
	Direction   string `json:"direction"`
}

func planInfo(p *plan.Plan) PlanInfo {
	return PlanInfo{Plan: p.Name, PlanFile: p.Path, Competition: p.Competition, Metric: p.Metric, Direction: string(p.Direction)}
}

// SweepInfo says what became of a sweep's runs, when it ran and where they
// were logged.
type SweepInfo struct {
	SweepCounts
	Started     time.Time `json:"started"`
	DurationS   float64   `json:"duration_s"`
	Interrupted bool      `json:"interrupted"`
	Tracker     string    `json:"tracker"`
	Report      string    `json:"report,omitempty"`
}

func newSweepInfo() SweepInfo {
	return SweepInfo{SweepCounts: SweepCounts{Failures: []Failure{}}}
}

// ended records when the sweep that started at start ended, with err, in
// tracker dir.
func (s *SweepInfo) ended(start time.Time, err error, dir string) {
	s.Started = start
	s.DurationS = time.Since(start).Seconds()
	s.Interrupted = IsInterrupted(err)
	s.Tracker = dir
}

// SweepOutput is a SweepInfo with the figure drawn beside the report
// (by the report package, which fills these fields).
type SweepOutput struct {
	SweepInfo
	// Plot is the figure's files; null when none was drawn, and PlotNote
	// says why.
	Plot     *PlotFiles `json:"plot"`
	PlotNote string     `json:"plot_note,omitempty"`
}

// PlotFiles are a figure's files, beside the markdown report.
type PlotFiles struct {
	PNG string `json:"png"`
	SVG string `json:"svg"`
}

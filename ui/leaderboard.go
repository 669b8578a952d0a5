package ui

import (
	"fmt"
	"math"
	"net/http"
	"slices"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

// maxLBRows bounds the leaderboard table.
const maxLBRows = 200

type leaderboardData struct {
	common
	S       *report.RunsSummary
	Lines   []*tracker.Row
	More    int
	Records []*tracker.Row // runs that set a new best CV, latest first
	Private bool
	// ShakeUpText is kxrun report's verdict on the shake-up: which of CV
	// and the public LB ranked the runs closer to the private LB.
	ShakeUpText []string
	Word        string
}

// summary is kxrun report's summary of the visible runs.
func (s *Server) summary(w http.ResponseWriter) (snapshot, *report.RunsSummary, bool) {
	sn := s.state.snapshot()
	baseline, _ := s.tr.BaselineID()
	sum, err := report.SummarizeRuns(sn.rows, baseline, report.RunsOptions{NoList: true})
	if err != nil {
		http.Error(w, "kxrun ui: "+err.Error(), http.StatusInternalServerError)
		return sn, nil, false
	}
	return sn, sum, true
}

func (s *Server) leaderboardPage(w http.ResponseWriter, r *http.Request) {
	sn, sum, ok := s.summary(w)
	if !ok {
		return
	}
	d := &leaderboardData{common: s.common(sn, "Leaderboard", "leaderboard"), S: sum, Word: "highest"}
	dir := plan.Direction(sum.Direction)
	if dir == plan.Minimize {
		d.Word = "lowest"
	}
	lbRows, history := figureRuns(sn.rows, sum.Direction)
	slices.SortStableFunc(lbRows, func(a, b *tracker.Row) int { return betterFirst(dir, *a.LBScore, *b.LBScore) })
	if len(lbRows) > maxLBRows {
		d.More = len(lbRows) - maxLBRows
		lbRows = lbRows[:maxLBRows]
	}
	d.Lines = lbRows
	d.Private = sum.ShakeUp != nil
	if lines := report.ShakeUpLines(sum.ShakeUp); len(lines) > 1 {
		d.ShakeUpText = lines[1:] // the first repeats the table's correlations
	}
	var best *tracker.Row
	for _, row := range history {
		if best == nil || dir.Better(*row.CVScore, *best.CVScore) {
			best = row
			d.Records = append(d.Records, row)
		}
	}
	slices.Reverse(d.Records)
	s.render(w, "leaderboard", "", d)
}

// figureRuns are the runs the report's figures show (report.RunsFigures):
// visible ok runs with a CV score in the summary's direction; those with
// an LB score too, and all of them in run order.
func figureRuns(rows []tracker.Row, direction string) (lb, history []*tracker.Row) {
	for i := range rows {
		r := &rows[i]
		if r.Status != "ok" || r.Archived || r.CVScore == nil || r.Direction != direction {
			continue
		}
		history = append(history, r)
		if r.LBScore != nil {
			lb = append(lb, r)
		}
	}
	return lb, history
}

func (s *Server) leaderboardFigure(w http.ResponseWriter, r *http.Request) {
	sn, sum, ok := s.summary(w)
	if !ok {
		return
	}
	lbRows, history := figureRuns(sn.rows, sum.Direction)
	key := fmt.Sprint(sn.gen)
	switch r.PathValue("fig") {
	case "cv_lb.svg":
		pearson := nan()
		if c := sum.Correlation; c != nil && c.Pearson != nil {
			pearson = *c.Pearson
		}
		pts := make([]plots.LBPoint, len(lbRows))
		for i, row := range lbRows {
			pts[i] = plots.LBPoint{RunID: row.RunID, CV: *row.CVScore, LB: *row.LBScore}
		}
		svg, note, err := s.figs.get("cv_lb", key, func(p string) error { return plots.CVvsLB(pts, pearson, "", p) })
		s.serveSVG(w, svg, note, err)
	case "cv_history.svg":
		pts := make([]plots.HistoryPoint, len(history))
		for i, row := range history {
			pts[i] = plots.HistoryPoint{Number: row.Number, CV: *row.CVScore}
		}
		svg, note, err := s.figs.get("cv_history", key, func(p string) error { return plots.CVHistory(pts, sum.Direction, "", p) })
		s.serveSVG(w, svg, note, err)
	default:
		notFound(w, "no such figure")
	}
}

func nan() float64 { return math.NaN() }

package ui

import (
	"net/http"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

// maxCompare bounds the runs compared at once (OOF arrays are read for
// every pair).
const maxCompare = 8

type compareData struct {
	common
	Runs  []*tracker.Row
	Pairs []*report.Comparison // the first run against each other one
	Folds []foldLine
	OOF   [][]*corrCell // pairwise OOF correlation
	Error string
}

type foldLine struct {
	Fold   int
	Scores []*float64
	Deltas []*float64 // against the first run, positive when better
}

type corrCell struct {
	R    *float64
	Note string
}

func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	sn := s.state.snapshot()
	d := &compareData{common: s.common(sn, "Compare", "runs")}
	refs := r.URL.Query()["run"]
	if len(refs) > maxCompare {
		refs = refs[:maxCompare]
		d.Error = "only the first 8 selected runs are compared"
	}
	var recs []*tracker.Record
	for _, ref := range refs {
		row, err := sn.find(ref)
		if err != nil {
			d.Error = err.Error()
			s.render(w, "compare", "", d)
			return
		}
		rec, err := s.record(row)
		if err != nil {
			d.Error = err.Error()
			s.render(w, "compare", "", d)
			return
		}
		d.Runs = append(d.Runs, row)
		recs = append(recs, rec)
	}
	if len(d.Runs) < 2 {
		d.Error = "select two runs or more on the runs page (the boxes on the left), then Compare selected"
		s.render(w, "compare", "", d)
		return
	}
	d.Title = "Compare " + d.Runs[0].RunID
	for _, row := range d.Runs[1:] {
		d.Title += ", " + row.RunID
	}
	for i := 1; i < len(d.Runs); i++ {
		c, err := report.Compare(*d.Runs[0], *d.Runs[i], recs[0], recs[i], s.tr)
		if err != nil {
			d.Error = err.Error()
			s.render(w, "compare", "", d)
			return
		}
		d.Pairs = append(d.Pairs, c)
	}
	// The fold table: one column per run, deltas as compare computes them.
	nf := 0
	for _, rec := range recs {
		nf = max(nf, len(rec.CVScores))
	}
	for k := range nf {
		line := foldLine{Fold: k + 1}
		for i, rec := range recs {
			var v *float64
			if k < len(rec.CVScores) {
				v = &rec.CVScores[k]
			}
			line.Scores = append(line.Scores, v)
			var delta *float64
			if i > 0 && k < len(d.Pairs[i-1].Folds) {
				delta = &d.Pairs[i-1].Folds[k].Delta
			}
			line.Deltas = append(line.Deltas, delta)
		}
		d.Folds = append(d.Folds, line)
	}
	d.OOF = make([][]*corrCell, len(recs))
	for i := range recs {
		d.OOF[i] = make([]*corrCell, len(recs))
	}
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			var c *report.Comparison
			if i == 0 {
				c = d.Pairs[j-1]
			} else {
				var err error
				if c, err = report.Compare(*d.Runs[i], *d.Runs[j], recs[i], recs[j], s.tr); err != nil {
					continue
				}
			}
			cell := &corrCell{R: c.OOFCorrelation, Note: c.OOFNote}
			d.OOF[i][j], d.OOF[j][i] = cell, cell
		}
	}
	s.render(w, "compare", "", d)
}

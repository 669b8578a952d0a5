package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/kxrun/kxrun/tracker"
)

// EnsembleText prints a blend: its members with their weights and own
// scores, then the best single member's score, the in-sample and the
// fold-honest scores of the blend with their gain over that member.
func EnsembleText(w io.Writer, rec *tracker.Record, st Style) {
	e := rec.Ensemble
	fmt.Fprintf(w, "Blend of %d runs by %s (%s, %s); honest score on folds from %s (%d parts)\n",
		len(e.Members), e.Method, e.Metric, rec.Direction, foldsSource(e.FoldsFrom), len(e.HonestFolds))
	t := &table{header: []string{"run", "name", "weight", "picked", e.Metric}, right: []bool{false, false, true, true, true}, shrink: 1}
	for _, m := range e.Members {
		picked := ""
		if e.Method == "hill" {
			picked = strconv.Itoa(m.Count)
		}
		t.add("", m.RunID, m.Name, strconv.FormatFloat(m.Weight, 'f', 4, 64), picked, fmt5(m.Score))
	}
	t.render(w, st)
	fmt.Fprintln(w)
	sign := 1.0
	if rec.Direction == "minimize" {
		sign = -1
	}
	s := &table{header: []string{"", e.Metric, "gain over best single"}, right: []bool{false, true, true}, shrink: -1}
	s.add("", "best single ("+e.BestSingle+")", fmt5(e.BestScore), "")
	s.add("", "blend, in-sample", fmt5(e.InSample), fmt.Sprintf("%+.5f", sign*(e.InSample-e.BestScore)))
	s.add("", "blend, fold-honest", fmt5(e.Honest), fmt.Sprintf("%+.5f", sign*(e.Honest-e.BestScore)))
	s.render(w, st)
	if e.Method == "hill" {
		fmt.Fprintf(w, "Hill climbing kept the first %d of %d additions (the best prefix).\n", e.Kept, len(e.Path))
	}
	fmt.Fprintln(w, "In-sample: weights chosen on the rows they are scored on (optimistic). Fold-honest: each part blended with weights chosen on the other parts.")
}

func foldsSource(s string) string {
	if s == "runs" {
		return "the runs"
	}
	return "a seeded k-fold split"
}

func fmt5(f float64) string { return strconv.FormatFloat(f, 'f', 5, 64) }

package ensemble

import (
	"math"
	"slices"

	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// Correlations are the pairwise correlations of runs' OOF predictions
// (2-D arrays flattened row by row, as numpy's ravel).
type Correlations struct {
	RunIDs []string `json:"run_ids"`
	Names  []string `json:"names"`
	// Null where undefined: a constant array correlates with nothing.
	Pearson  [][]*float64 `json:"pearson"`
	Spearman [][]*float64 `json:"spearman"` // ties get their average rank
}

// LoadOOF reads the runs' OOF arrays, which must all have one shape and
// finite values.
func LoadOOF(tr *tracker.Tracker, rows []tracker.Row) ([]Member, error) {
	var out []Member
	var shape []int
	for _, r := range rows {
		rec, err := tr.Details(r.RunID)
		if err != nil {
			return nil, err
		}
		m := Member{Row: r, Record: rec}
		a := rec.Artifacts["oof"]
		if a == nil {
			return nil, refusef("%s %s has no OOF array", r.RunID, r.Name)
		}
		if shape == nil {
			shape = a.Shape
		} else if !slices.Equal(shape, a.Shape) {
			return nil, refusef("OOF shapes differ: %s has %v, %s has %v", out[0].Row.RunID, shapeText(shape), r.RunID, shapeText(a.Shape))
		}
		cols := 1
		if len(a.Shape) == 2 {
			cols = a.Shape[1]
		}
		if m.OOF, err = readFinite(tr, &m, "oof", cols); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Correlate computes the correlation matrices of the members' OOF arrays.
func Correlate(members []Member) *Correlations {
	n := len(members)
	c := &Correlations{Pearson: square(n), Spearman: square(n)}
	ranks := make([][]float64, n)
	for i, m := range members {
		c.RunIDs = append(c.RunIDs, m.Row.RunID)
		c.Names = append(c.Names, m.Row.Name)
		ranks[i] = stats.Ranks(m.OOF)
	}
	for i := range n {
		for j := i; j < n; j++ {
			p, s := finite(stats.Pearson(members[i].OOF, members[j].OOF)), finite(stats.Pearson(ranks[i], ranks[j]))
			c.Pearson[i][j], c.Pearson[j][i] = p, p
			c.Spearman[i][j], c.Spearman[j][i] = s, s
		}
	}
	return c
}

func square(n int) [][]*float64 {
	m := make([][]*float64, n)
	for i := range m {
		m[i] = make([]*float64, n)
	}
	return m
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

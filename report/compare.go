package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// maxOOFElems bounds what compare reads to correlate OOF arrays (800 MB of
// float64).
const maxOOFElems = 100_000_000

// Side is one run of a comparison.
type Side struct {
	RunID     string    `json:"run_id"`
	Name      string    `json:"name"`
	CVScore   *float64  `json:"cv_score"`
	CVStd     *float64  `json:"cv_std"`
	LBScore   *float64  `json:"lb_score"`
	Folds     []float64 `json:"cv_folds"`
	NFeatures int       `json:"n_features"`
	ModelType string    `json:"model_type"`
	Status    string    `json:"status"`
}

// FoldDelta is one fold of both runs.
type FoldDelta struct {
	Fold  int     `json:"fold"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	Delta float64 `json:"delta"` // B over A, positive when B is better
}

// ParamChange is a parameter that differs, by dotted path.
type ParamChange struct {
	Path string  `json:"path"`
	Old  *string `json:"old"` // JSON text; null when absent
	New  *string `json:"new"`
}

// Comparison is what `kxrun compare A B` reports.
type Comparison struct {
	A               Side        `json:"a"`
	B               Side        `json:"b"`
	Metric          string      `json:"metric"`
	Direction       string      `json:"direction"`
	CVDelta         *float64    `json:"cv_delta"` // positive when B is better
	LBDelta         *float64    `json:"lb_delta"`
	Folds           []FoldDelta `json:"folds"`
	FoldNote        string      `json:"fold_note,omitempty"`
	FeaturesAdded   []string    `json:"features_added"`
	FeaturesRemoved []string    `json:"features_removed"`
	NFeaturesChange int         `json:"n_features_change"`
	// Techniques B has on that A has off, and the other way round.
	TechniquesAdded   []string      `json:"techniques_added"`
	TechniquesRemoved []string      `json:"techniques_removed"`
	ParamsChanged     []ParamChange `json:"params_changed"`
	OOFCorrelation    *float64      `json:"oof_correlation"`
	OOFNote           string        `json:"oof_note,omitempty"`
}

// Compare compares two runs (A first). Runs scored in opposite directions
// are an error: "better" would mean opposite things.
func Compare(ra, rb tracker.Row, a, b *tracker.Record, tr *tracker.Tracker) (*Comparison, error) {
	if ra.Direction != rb.Direction {
		return nil, fmt.Errorf("%s is %s but %s is %s: %w", ra.RunID, ra.Direction, rb.RunID, rb.Direction, errors.New("their scores cannot be compared"))
	}
	c := &Comparison{A: sideOf(ra, a), B: sideOf(rb, b), Metric: ra.Metric, Direction: ra.Direction,
		Folds: []FoldDelta{}, FeaturesAdded: []string{}, FeaturesRemoved: []string{}, ParamsChanged: []ParamChange{}}
	c.TechniquesAdded, c.TechniquesRemoved = added(a.Techniques, b.Techniques), added(b.Techniques, a.Techniques)
	if ra.Metric != rb.Metric {
		c.Metric = ra.Metric + " vs " + rb.Metric
	}
	sign := plan.Direction(ra.Direction).Sign()
	diff := func(x, y *float64) *float64 {
		if x == nil || y == nil {
			return nil
		}
		d := sign * (*y - *x)
		return &d
	}
	c.CVDelta = diff(ra.CVScore, rb.CVScore)
	c.LBDelta = diff(ra.LBScore, rb.LBScore)
	switch {
	case len(a.CVScores) == 0 || len(b.CVScores) == 0:
		c.FoldNote = "a run has no fold scores"
	case len(a.CVScores) != len(b.CVScores):
		c.FoldNote = fmt.Sprintf("different numbers of folds (%d and %d): not compared fold by fold", len(a.CVScores), len(b.CVScores))
	default:
		for i := range a.CVScores {
			c.Folds = append(c.Folds, FoldDelta{Fold: i + 1, A: a.CVScores[i], B: b.CVScores[i], Delta: sign * (b.CVScores[i] - a.CVScores[i])})
		}
		if a.Seed != nil && b.Seed != nil && *a.Seed != *b.Seed {
			c.FoldNote = "the runs have different seeds, so fold i may not hold the same rows in both"
		}
	}
	c.FeaturesAdded, c.FeaturesRemoved = added(a.Features, b.Features), added(b.Features, a.Features)
	c.NFeaturesChange = len(b.Features) - len(a.Features)
	pa, pb := Flatten(a.Params), Flatten(b.Params)
	keys := map[string]bool{}
	for k := range pa {
		keys[k] = true
	}
	for k := range pb {
		keys[k] = true
	}
	for _, k := range slices.Sorted(mapKeys(keys)) {
		oldV, okA := pa[k]
		newV, okB := pb[k]
		if okA && okB && oldV == newV {
			continue
		}
		ch := ParamChange{Path: k}
		if okA {
			ch.Old = &oldV
		}
		if okB {
			ch.New = &newV
		}
		c.ParamsChanged = append(c.ParamsChanged, ch)
	}
	c.OOFCorrelation, c.OOFNote = oofCorrelation(a, b, tr)
	return c, nil
}

func sideOf(r tracker.Row, rec *tracker.Record) Side {
	return Side{RunID: r.RunID, Name: r.Name, CVScore: r.CVScore, CVStd: r.CVStd, LBScore: r.LBScore,
		Folds: rec.CVScores, NFeatures: r.NFeatures, ModelType: r.ModelType, Status: r.Status}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func oofCorrelation(a, b *tracker.Record, tr *tracker.Tracker) (*float64, string) {
	oa, ob := a.Artifacts["oof"], b.Artifacts["oof"]
	if oa == nil || ob == nil {
		return nil, "OOF correlation needs OOF predictions for both runs"
	}
	if !slices.Equal(oa.Shape, ob.Shape) {
		return nil, fmt.Sprintf("OOF shapes differ (%s and %s)", shapeText(oa.Shape), shapeText(ob.Shape))
	}
	// Both arrays are read at once: each read is one core's work (copying
	// from the page cache and decoding), so two cores halve the wait.
	var xb []float64
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		xb, _, errB = npyfile.ReadFloat64(tr.Resolve(ob.Path), maxOOFElems)
	}()
	xa, _, err := npyfile.ReadFloat64(tr.Resolve(oa.Path), maxOOFElems)
	<-done
	if err == nil {
		err = errB
	}
	if err != nil {
		return nil, "cannot read OOF: " + err.Error()
	}
	r := stats.Pearson(xa, xb)
	if math.IsNaN(r) {
		return nil, "an OOF array is constant (or holds NaN): no correlation"
	}
	return &r, ""
}

// CompareText writes a comparison for people.
func CompareText(w io.Writer, c *Comparison, st Style) {
	t := &table{header: []string{"", "A", "B", "delta (B vs A)"}, right: []bool{false, true, true, true}, shrink: -1}
	t.add("", "run", c.A.RunID, c.B.RunID, "")
	t.add("", "name", c.A.Name, c.B.Name, "")
	t.add("", "CV mean", opt(c.A.CVScore), opt(c.B.CVScore), signedOpt(c.CVDelta))
	t.add("", "CV std", opt(c.A.CVStd), opt(c.B.CVStd), "")
	t.add("", "LB", opt(c.A.LBScore), opt(c.B.LBScore), signedOpt(c.LBDelta))
	t.add("", "n_features", strconv.Itoa(c.A.NFeatures), strconv.Itoa(c.B.NFeatures), fmt.Sprintf("%+d", c.NFeaturesChange))
	t.add("", "model", c.A.ModelType, c.B.ModelType, "")
	for _, f := range c.Folds {
		color := ""
		if f.Delta < 0 {
			color = colorRed
		}
		t.add(color, fmt.Sprintf("fold %d", f.Fold), fmt.Sprintf("%.5f", f.A), fmt.Sprintf("%.5f", f.B), fmt.Sprintf("%+.5f", f.Delta))
	}
	t.render(w, Style{Color: st.Color})
	fmt.Fprintf(w, "\n%s: a positive delta means B is better\n", Visible(strings.TrimSpace("metric "+c.Metric+" ("+c.Direction+")")))
	if c.FoldNote != "" {
		fmt.Fprintln(w, "note: "+c.FoldNote)
	}
	fmt.Fprintf(w, "features added (%d): %s\n", len(c.FeaturesAdded), listOrNone(c.FeaturesAdded))
	fmt.Fprintf(w, "features removed (%d): %s\n", len(c.FeaturesRemoved), listOrNone(c.FeaturesRemoved))
	if len(c.TechniquesAdded)+len(c.TechniquesRemoved) > 0 {
		fmt.Fprintf(w, "techniques added (%d): %s\n", len(c.TechniquesAdded), listOrNone(c.TechniquesAdded))
		fmt.Fprintf(w, "techniques removed (%d): %s\n", len(c.TechniquesRemoved), listOrNone(c.TechniquesRemoved))
	}
	if len(c.ParamsChanged) == 0 {
		fmt.Fprintln(w, "params: the same")
	} else {
		fmt.Fprintln(w, "params changed:")
		for _, p := range c.ParamsChanged {
			fmt.Fprintf(w, "  %s: %s → %s\n", Visible(p.Path), Visible(strOr(p.Old, "(absent)")), Visible(strOr(p.New, "(absent)")))
		}
	}
	if c.OOFCorrelation != nil {
		fmt.Fprintf(w, "OOF correlation: %.4f (the lower, the more an ensemble of the two can gain)\n", *c.OOFCorrelation)
	} else {
		fmt.Fprintln(w, "OOF correlation: — ("+c.OOFNote+")")
	}
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return Visible(strings.Join(xs, ", "))
}

func strOr(p *string, alt string) string {
	if p == nil {
		return alt
	}
	return *p
}

// added lists what to has that from has not, in to's order; never nil, so
// that JSON shows an empty list.
func added(from, to []string) []string {
	in := set(from)
	out := []string{}
	for _, x := range to {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

package ensemble

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kxrun/kxrun/metrics"
	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// RefusedError says why runs cannot be blended; nothing was logged.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

func refusef(format string, args ...any) error {
	return &RefusedError{Msg: fmt.Sprintf(format, args...)}
}

// maxElems bounds what a member's array may hold (800 MB of float64).
const maxElems = 100_000_000

// Member is a run to blend, with its arrays once loaded.
type Member struct {
	Row    tracker.Row
	Record *tracker.Record
	Arrays
}

// Input is what Load found: members whose arrays can be blended.
type Input struct {
	Members   []Member
	Y         []float64
	Cols      int
	TestShape []int
	Folds     []int // the members' shared folds; nil when they differ or are absent
	Metric    *metrics.Metric
	Direction string
	target    *tracker.Artifact
	folds     *tracker.Artifact
}

// Load reads the members' records and arrays from the tracker and checks
// that they can be blended, scored by metricName ("" for the runs' own
// metric). Every refusal is a *RefusedError naming the run and the
// problem.
func Load(tr *tracker.Tracker, rows []tracker.Row, metricName string) (*Input, error) {
	if len(rows) == 0 {
		return nil, refusef("no runs to blend")
	}
	in := &Input{}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.RunID] {
			return nil, refusef("%s is given twice", r.RunID)
		}
		seen[r.RunID] = true
		if r.Status != "ok" {
			return nil, refusef("%s %s is %s: only ok runs can be blended", r.RunID, r.Name, r.Status)
		}
		rec, err := tr.Details(r.RunID)
		if err != nil {
			return nil, err
		}
		in.Members = append(in.Members, Member{Row: r, Record: rec})
	}
	first := in.Members[0]
	for _, m := range in.Members[1:] {
		if m.Row.Direction != first.Row.Direction {
			return nil, refusef("%s is %s but %s is %s: runs of opposite directions cannot be blended", first.Row.RunID, first.Row.Direction, m.Row.RunID, m.Row.Direction)
		}
	}
	in.Direction = first.Row.Direction
	if metricName == "" {
		metricName = first.Row.Metric
		for _, m := range in.Members[1:] {
			if m.Row.Metric != metricName {
				return nil, refusef("%s is scored by %q but %s by %q: say which metric the blend optimises with --metric", first.Row.RunID, metricName, m.Row.RunID, m.Row.Metric)
			}
		}
	}
	met := metrics.Lookup(metricName)
	if met == nil {
		return nil, refusef("%s; give one with --metric", (&metrics.UnknownError{Name: metricName}).Error())
	}
	if met.Direction() != in.Direction {
		return nil, refusef("%s is %s but the runs are %s: pick a metric in the runs' direction with --metric", met.Name, met.Direction(), in.Direction)
	}
	in.Metric = met

	for _, m := range in.Members {
		for _, kind := range []string{"oof", "test", "target"} {
			if m.Record.Artifacts[kind] == nil {
				hint := "log it with its arrays"
				if kind == "target" {
					hint = `add "target": "y.npy" to its result or target: to its plan and run it again with --force (a cached run keeps what it had), or give --target to kxrun log`
				}
				return nil, refusef("%s %s has no %s array: %s", m.Row.RunID, m.Row.Name, kind, hint)
			}
		}
	}
	in.target = first.Record.Artifacts["target"]
	for _, m := range in.Members[1:] {
		if t := m.Record.Artifacts["target"]; t.SHA256 != in.target.SHA256 {
			return nil, refusef("%s and %s were trained on different targets (labels %.12s… and %.12s…): blend runs of the same rows", first.Row.RunID, m.Row.RunID, in.target.SHA256, t.SHA256)
		}
	}
	oofShape, testShape := first.Record.Artifacts["oof"].Shape, first.Record.Artifacts["test"].Shape
	for _, m := range in.Members {
		if s := m.Record.Artifacts["oof"].Shape; !slices.Equal(s, oofShape) {
			return nil, refusef("OOF shapes differ: %s has %v, %s has %v", first.Row.RunID, shapeText(oofShape), m.Row.RunID, shapeText(s))
		}
		if s := m.Record.Artifacts["test"].Shape; !slices.Equal(s, testShape) {
			return nil, refusef("test shapes differ: %s has %v, %s has %v", first.Row.RunID, shapeText(testShape), m.Row.RunID, shapeText(s))
		}
	}
	if len(oofShape) < 1 || len(oofShape) > 2 || len(testShape) != len(oofShape) {
		return nil, refusef("%s: OOF %v and test %v arrays must both be 1-D, or both 2-D (one column per class)", first.Row.RunID, shapeText(oofShape), shapeText(testShape))
	}
	in.Cols = 1
	if len(oofShape) == 2 {
		in.Cols = oofShape[1]
		if testShape[1] != in.Cols {
			return nil, refusef("%s: OOF has %d columns but test has %d", first.Row.RunID, in.Cols, testShape[1])
		}
	}
	in.TestShape = testShape
	y, _, err := npyfile.ReadFloat64(tr.Resolve(in.target.Path), maxElems)
	if err != nil {
		return nil, err
	}
	if len(y) != oofShape[0] {
		return nil, refusef("%s: %d labels for %d OOF rows", first.Row.RunID, len(y), oofShape[0])
	}
	in.Y = y
	for i := range in.Members {
		m := &in.Members[i]
		if m.OOF, err = readFinite(tr, m, "oof", in.Cols); err != nil {
			return nil, err
		}
		if m.Test, err = readFinite(tr, m, "test", in.Cols); err != nil {
			return nil, err
		}
	}
	// The members' folds count only when every member has the same.
	if f := first.Record.Artifacts["folds"]; f != nil {
		shared := true
		for _, m := range in.Members[1:] {
			if g := m.Record.Artifacts["folds"]; g == nil || g.SHA256 != f.SHA256 {
				shared = false
			}
		}
		if shared {
			vals, _, err := npyfile.ReadFloat64(tr.Resolve(f.Path), maxElems)
			if err != nil {
				return nil, err
			}
			if len(vals) != len(y) {
				return nil, refusef("%s: %d fold indices for %d OOF rows", first.Row.RunID, len(vals), len(y))
			}
			in.Folds = make([]int, len(vals))
			for i, v := range vals {
				if v != math.Trunc(v) || math.IsNaN(v) {
					return nil, refusef("%s: fold index of row %d is %v, not an integer", first.Row.RunID, i, v)
				}
				in.Folds[i] = int(v)
			}
			in.folds = f
		}
	}
	return in, nil
}

func shapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// readFinite reads a member's array, refusing NaN and infinities.
func readFinite(tr *tracker.Tracker, m *Member, kind string, cols int) ([]float64, error) {
	vals, _, err := npyfile.ReadFloat64(tr.Resolve(m.Record.Artifacts[kind].Path), maxElems)
	if err != nil {
		return nil, err
	}
	bad := map[int]bool{}
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad[i/cols] = true
		}
	}
	if len(bad) > 0 {
		return nil, refusef("%s %s: %d %s row(s) of %d hold NaN or infinite predictions", m.Row.RunID, m.Row.Name, len(bad), strings.ToUpper(kind), len(vals)/cols)
	}
	return vals, nil
}

// Blend blends the loaded members.
func (in *Input) Blend(opts Options) (*Result, error) {
	opts.Metric = in.Metric
	if opts.Folds == nil {
		opts.Folds = in.Folds
	}
	if opts.Weights != nil && len(opts.Weights) != len(in.Members) {
		return nil, refusef("%d weights for %d runs", len(opts.Weights), len(in.Members))
	}
	arrays := make([]Arrays, len(in.Members))
	for i, m := range in.Members {
		arrays[i] = m.Arrays
	}
	res, err := Blend(in.Y, arrays, in.Cols, opts)
	if err != nil {
		return nil, &RefusedError{Msg: err.Error()}
	}
	return res, nil
}

// Info is the details record of a blend.
func (in *Input) Info(method string, res *Result) *tracker.EnsembleInfo {
	info := &tracker.EnsembleInfo{Method: method, Metric: in.Metric.Name, InSample: res.InSample,
		Honest: res.Honest, HonestFolds: res.HonestFolds, FoldsFrom: res.FoldsFrom,
		BestSingle: in.Members[res.BestSingle].Row.RunID, BestScore: res.SingleScores[res.BestSingle], Kept: res.Kept}
	for i, m := range in.Members {
		em := tracker.EnsembleMember{RunID: m.Row.RunID, Name: m.Row.Name, Weight: res.Weights[i], Score: res.SingleScores[i]}
		if res.Counts != nil {
			em.Count = res.Counts[i]
		}
		info.Members = append(info.Members, em)
	}
	for _, st := range res.Path {
		info.Path = append(info.Path, in.Members[st.Member].Row.RunID)
	}
	return info
}

// Log commits the blend as an ordinary run (model_type and source
// "ensemble"): its fold scores are the honest ones, its arrays the blended
// OOF and test predictions, its labels and folds those of its members.
func (in *Input) Log(tr *tracker.Tracker, name, method string, res *Result) (*tracker.Record, error) {
	info := in.Info(method, res)
	ids := make([]string, len(in.Members))
	for i, m := range in.Members {
		ids[i] = m.Row.RunID
	}
	params := map[string]any{"method": method, "members": ids, "weights": res.Weights}
	now := time.Now()
	mean, std := stats.Mean(res.HonestFolds), stats.Std(res.HonestFolds, 0)
	rec := &tracker.Record{
		Name: cmp.Or(name, fmt.Sprintf("ensemble_%s_%d", method, len(in.Members))), Date: now, Source: "ensemble",
		Competition: in.Members[0].Record.Competition, Status: "ok", Metric: in.Metric.Name, Direction: in.Direction,
		ModelType: "ensemble", Features: []string{}, Params: params, ParamsHash: tracker.ParamsHash(params),
		Metrics:  map[string]float64{"in_sample": res.InSample, "honest": res.Honest, "best_single": info.BestScore},
		CVScores: res.HonestFolds, CVScore: &mean, CVStd: &std, StartedAt: now, FinishedAt: now,
		Notes: fmt.Sprintf("%s blend of %s", method, strings.Join(ids, ", ")), Ensemble: info,
	}
	st, err := tr.NewStaging()
	if err != nil {
		return nil, err
	}
	defer st.Remove()
	var files tracker.Files
	oofShape := []int{len(in.Y)}
	if len(in.Members[0].Record.Artifacts["oof"].Shape) == 2 {
		oofShape = append(oofShape, in.Cols)
	}
	for _, a := range []struct {
		kind  string
		vals  []float64
		shape []int
	}{{"oof", res.OOF, oofShape}, {"test", res.Test, in.TestShape}} {
		path := st.File(a.kind + ".npy")
		if err := npyfile.WriteFloat64(path, a.vals, a.shape); err != nil {
			return nil, err
		}
		npy, err := npyfile.Inspect(path)
		if err != nil {
			return nil, err
		}
		files.Artifacts = append(files.Artifacts, tracker.ArtifactFile{Kind: a.kind, Path: path, Source: "ensemble", Move: true, Info: npy})
	}
	for kind, a := range map[string]*tracker.Artifact{"target": in.target, "folds": in.folds} {
		if a == nil {
			continue
		}
		files.Artifacts = append(files.Artifacts, tracker.ArtifactFile{Kind: kind, Path: tr.Resolve(a.Path), Source: a.Source,
			Info: npyfile.Info{Descr: a.Descr, Dtype: a.Dtype, Shape: a.Shape, FortranOrder: a.FortranOrder, Size: a.Bytes, SHA256: a.SHA256}})
	}
	if _, err := tr.Commit(rec, files); err != nil {
		return nil, err
	}
	return rec, nil
}

package study

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"time"

	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// ManualRun is a run made outside kxrun, logged with `kxrun log`.
type ManualRun struct {
	Name        string
	CVScores    []float64
	LBScore     *float64
	Features    []string
	Params      map[string]any
	Metrics     map[string]float64
	Model       string
	Metric      string
	Direction   plan.Direction
	Competition string
	Seed        *int64
	Notes       string
	OOF, Test   string // .npy paths, copied into the tracker
	Target      string // labels of the OOF rows (.npy), kept by content
	Folds       string // fold index of each OOF row (.npy), kept by content
	Source      string // "log" unless set
	Date        time.Time
}

// InputError is a problem with what the user asked to log.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// LogManual validates a manual run and commits it like any other.
func LogManual(tr *tracker.Tracker, m ManualRun) (*tracker.Record, tracker.Neighbours, error) {
	rec, files, err := manualRecord(m)
	if err != nil {
		return nil, tracker.Neighbours{}, err
	}
	nb, err := tr.Commit(rec, files)
	return rec, nb, err
}

func manualRecord(m ManualRun) (*tracker.Record, tracker.Files, error) {
	var files tracker.Files
	if m.Name == "" {
		return nil, files, inputErrorf("a run needs a name")
	}
	if len(m.CVScores) == 0 {
		return nil, files, inputErrorf("no CV scores: give --cv 0.81,0.82,... or --result FILE")
	}
	for i, s := range m.CVScores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, files, inputErrorf("CV score %d is %v: only finite scores can be logged", i+1, s)
		}
	}
	if m.LBScore != nil && (math.IsNaN(*m.LBScore) || math.IsInf(*m.LBScore, 0)) {
		return nil, files, inputErrorf("the LB score must be a finite number")
	}
	dir := m.Direction
	if dir != "" && dir != plan.Maximize && dir != plan.Minimize {
		return nil, files, inputErrorf("unknown direction %q: use maximize or minimize", dir)
	}
	dir, err := plan.ResolveDirection(m.Metric, dir)
	if err != nil {
		return nil, files, inputErrorf("%v", err)
	}
	model := m.Model
	if model == "" {
		model = plan.DefaultModel
	}
	source := m.Source
	if source == "" {
		source = "log"
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	mean, std := stats.Mean(m.CVScores), stats.Std(m.CVScores, 0)
	params := m.Params
	if params == nil {
		params = map[string]any{}
	}
	features := m.Features
	if features == nil {
		features = []string{}
	}
	rec := &tracker.Record{
		Name: m.Name, Date: date, Source: source, Competition: m.Competition, Seed: m.Seed,
		Status: "ok", Metric: m.Metric, Direction: string(dir), ModelType: model,
		Features: features, Params: params, ParamsHash: tracker.ParamsHash(params), Metrics: m.Metrics,
		CVScores: m.CVScores, CVScore: &mean, CVStd: &std, LBScore: m.LBScore, Notes: m.Notes,
		StartedAt: date, FinishedAt: date, Version: Version,
	}
	if len(features) > 0 {
		cfg, err := manualConfig(rec)
		if err != nil {
			return nil, files, err
		}
		files.Config = cfg
	}
	for _, a := range []struct{ kind, path string }{{"oof", m.OOF}, {"test", m.Test}, {"target", m.Target}, {"folds", m.Folds}} {
		if a.path == "" {
			continue
		}
		info, err := npyfile.Inspect(a.path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, files, inputErrorf("--%s: %s does not exist", a.kind, a.path)
			}
			return nil, files, inputErrorf("--%s: %v", a.kind, err)
		}
		files.Artifacts = append(files.Artifacts, tracker.ArtifactFile{Kind: a.kind, Path: a.path, Info: info})
	}
	return rec, files, nil
}

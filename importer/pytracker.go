package importer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/internal/pyjson"
	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// The layout written by the lightweight Python experiment tracker that many
// Kaggle notebooks use:
//
//	DIR/experiment_log.csv   run_id, name, timestamp, cv_mean, cv_std, cv_folds,
//	                         lb_score, cv_lb_gap, n_features, model, notes, status
//	DIR/details/<run_id>.json          run_id, name, cv_scores, lb_score, features,
//	                                   params, model_type, notes
//	DIR/details/<run_id>_oof.npy, <run_id>_test.npy   (optional)
const logName = "experiment_log.csv"

// Result says what an import did.
type Result struct {
	Imported []*tracker.Record
	Skipped  int      // already imported earlier
	Warnings []string // rows that came across with something missing
}

// Origin identifies an imported run, so that importing again adds nothing.
func origin(runID, name, timestamp string) string {
	return runID + "\x1f" + name + "\x1f" + timestamp
}

// ImportPyTracker imports every run of a Python tracker directory that is
// not in the tracker yet.
func ImportPyTracker(tr *tracker.Tracker, dir string) (*Result, error) {
	f, err := os.Open(filepath.Join(dir, logName))
	if err != nil {
		return nil, fmt.Errorf("%s is not a Python tracker directory: %w", dir, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, logName), err)
	}
	if len(records) == 0 {
		return &Result{}, nil
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"run_id", "name"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s has no %s column", logName, need)
		}
	}
	done, err := importedOrigins(tr)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for line, rec := range records[1:] {
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		key := origin(get("run_id"), get("name"), get("timestamp"))
		if done[key] {
			res.Skipped++
			continue
		}
		r, files, warns, err := convert(dir, get, line+2)
		if err != nil {
			return res, err
		}
		r.ImportedFrom = &tracker.ImportOrigin{Dir: absPath(dir), RunID: get("run_id"), Key: key}
		for _, w := range warns {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d (%s): %s", logName, line+2, get("run_id"), w))
		}
		if _, err := tr.Commit(r, files); err != nil {
			return res, err
		}
		done[key] = true
		res.Imported = append(res.Imported, r)
	}
	// A failure only costs the next process a read of runs.csv.
	_ = tr.Flush()
	return res, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// importedOrigins lists the runs imported earlier.
func importedOrigins(tr *tracker.Tracker) (map[string]bool, error) {
	rows, _, err := tr.Runs()
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range rows {
		if r.Source != "import" {
			continue
		}
		rec, err := tr.Details(r.RunID)
		if err != nil {
			continue
		}
		if rec.ImportedFrom != nil {
			done[rec.ImportedFrom.Key] = true
		}
	}
	return done, nil
}

type pyDetails struct {
	RunID     string         `json:"run_id"`
	Name      string         `json:"name"`
	CVScores  []any          `json:"cv_scores"`
	LBScore   any            `json:"lb_score"`
	Features  []string       `json:"features"`
	Params    map[string]any `json:"params"`
	ModelType string         `json:"model_type"`
	Notes     string         `json:"notes"`
}

func convert(dir string, get func(string) string, line int) (*tracker.Record, tracker.Files, []string, error) {
	var files tracker.Files
	var warns []string
	runID := get("run_id")
	var det pyDetails
	detPath := filepath.Join(dir, "details", runID+".json")
	if data, err := os.ReadFile(detPath); err == nil {
		// Python's json module writes NaN for a missing score.
		data, _ = pyjson.ReplaceNonFinite(data, func(string) string { return "null" })
		if err := json.Unmarshal(data, &det); err != nil {
			warns = append(warns, fmt.Sprintf("details unreadable (%v): using the CSV row only", err))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, files, nil, err
	} else {
		warns = append(warns, "no details file: features and params are unknown")
	}

	scores := numbers(det.CVScores)
	if len(scores) == 0 {
		scores = pyList(get("cv_folds"))
	}
	name := get("name")
	if name == "" {
		name = det.Name
	}
	model := det.ModelType
	if model == "" {
		model = get("model")
	}
	if model == "" {
		model = "model"
	}
	notes := get("notes")
	if notes == "" {
		notes = det.Notes
	}
	features := det.Features
	if features == nil {
		features = []string{}
	}
	params := det.Params
	if params == nil {
		params = map[string]any{}
	}
	date, err := parseTimestamp(get("timestamp"))
	if err != nil {
		warns = append(warns, fmt.Sprintf("timestamp %q: %v; using now", get("timestamp"), err))
		date = time.Now()
	}
	rec := &tracker.Record{
		Name: name, Date: date, Source: "import", Status: "ok", Direction: "maximize", ModelType: model,
		Features: features, Params: params, ParamsHash: tracker.ParamsHash(params), CVScores: scores,
		Notes: notes, StartedAt: date, FinishedAt: date,
	}
	if lb, ok := number(det.LBScore); ok {
		rec.LBScore = &lb
	} else if lb, err := strconv.ParseFloat(get("lb_score"), 64); err == nil && !math.IsNaN(lb) {
		rec.LBScore = &lb
	}
	switch {
	case len(scores) > 0:
		m, s := stats.Mean(scores), stats.Std(scores, 0)
		rec.CVScore, rec.CVStd = &m, &s
	default:
		// Only the aggregate survived: keep it rather than drop the run.
		if m, err := strconv.ParseFloat(get("cv_mean"), 64); err == nil && !math.IsNaN(m) {
			rec.CVScore = &m
			if s, err := strconv.ParseFloat(get("cv_std"), 64); err == nil && !math.IsNaN(s) {
				rec.CVStd = &s
			}
			warns = append(warns, "no fold scores: only the CV mean came across")
		}
	}
	status := strings.ToLower(get("status"))
	switch {
	case rec.CVScore == nil:
		rec.Status, rec.Reason = "failed", "imported without a CV score"
		if status != "" {
			rec.Reason += " (status " + status + ")"
		}
	case status == "failed" || status == "error":
		rec.Status, rec.Reason = "failed", "imported with status "+status
	}
	for _, kind := range []string{"oof", "test"} {
		path := filepath.Join(dir, "details", runID+"_"+kind+".npy")
		if _, err := os.Lstat(path); err != nil {
			continue
		}
		info, err := npyfile.Inspect(path)
		if err != nil {
			warns = append(warns, fmt.Sprintf("%s array not imported: %v", kind, err))
			continue
		}
		files.Artifacts = append(files.Artifacts, tracker.ArtifactFile{Kind: kind, Path: path, Info: info})
	}
	return rec, files, warns, nil
}

func number(v any) (float64, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func numbers(vs []any) []float64 {
	var out []float64
	for _, v := range vs {
		if f, ok := number(v); ok {
			out = append(out, f)
		} else {
			return nil // a partial list would misstate the mean
		}
	}
	return out
}

var npScalar = regexp.MustCompile(`np\.float(?:64|32)\(([^)]*)\)`)

// pyList parses str() of a Python list of floats, "[0.81, 0.82]", also
// as numpy 2 prints its scalars: "[np.float64(0.81), ...]".
func pyList(s string) []float64 {
	s = npScalar.ReplaceAllString(strings.TrimSpace(s), "$1")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []float64
	for _, part := range strings.Split(s, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		out = append(out, f)
	}
	return out
}

func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05.999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a timestamp")
}

package tracker

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Columns of runs.csv, in order. New columns go at the end.
var Columns = []string{
	"run_id", "date", "name", "plan", "variant", "seed",
	"cv_score", "cv_std", "cv_folds", "lb_score", "cv_lb_gap", "n_features",
	"model_type", "metric", "direction", "params_hash", "status", "duration_s",
	"notes", "reason", "archived", "source", "fingerprint",
}

// Row is one line of runs.csv.
type Row struct {
	RunID      string
	Number     int
	Date       string
	Name       string
	Plan       string
	Variant    string
	Seed       *int64
	CVScore    *float64
	CVStd      *float64
	CVFolds    []float64
	LBScore    *float64
	CVLBGap    *float64
	NFeatures  int
	ModelType  string
	Metric     string
	Direction  string
	ParamsHash string
	Status     string
	DurationS  float64
	Notes      string
	Reason     string
	Archived   bool
	Source     string // what logged it: ablation, run, log, import
	// Fingerprint identifies what a plan run computed (command, features,
	// seed, params, env, inputs): an ok run with the same one is reused.
	Fingerprint string
}

// RowOf makes the runs.csv row of a record.
func RowOf(rec *Record) Row {
	r := Row{
		RunID: rec.RunID, Number: rec.Number, Date: rec.Date.Format(time.RFC3339),
		Name: rec.Name, Plan: rec.Plan, Variant: rec.Variant, Seed: rec.Seed,
		CVScore: rec.CVScore, CVStd: rec.CVStd, CVFolds: rec.CVScores, LBScore: rec.LBScore,
		NFeatures: len(rec.Features), ModelType: rec.ModelType, Metric: rec.Metric,
		Direction: rec.Direction, ParamsHash: rec.ParamsHash, Status: rec.Status,
		DurationS: rec.DurationS, Notes: rec.Notes, Reason: rec.Reason, Source: rec.Source,
		Fingerprint: rec.Fingerprint,
	}
	r.CVLBGap = gap(r.CVScore, r.LBScore)
	return r
}

func gap(cv, lb *float64) *float64 {
	if cv == nil || lb == nil {
		return nil
	}
	g := *cv - *lb
	return &g
}

func formatFloat(f *float64) string {
	if f == nil || math.IsNaN(*f) || math.IsInf(*f, 0) {
		return ""
	}
	// Shortest representation that parses back to the same float64, always
	// with a decimal point or exponent so that pandas reads a float column.
	s := strconv.FormatFloat(*f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

func (r Row) fields() []string {
	seed := ""
	if r.Seed != nil {
		seed = strconv.FormatInt(*r.Seed, 10)
	}
	folds := "[]"
	if len(r.CVFolds) > 0 {
		b, _ := json.Marshal(r.CVFolds) // finite by construction; JSON floats are shortest round-trip
		folds = string(b)
	}
	dur := r.DurationS
	archived := ""
	if r.Archived {
		archived = "true"
	}
	return []string{
		r.RunID, r.Date, r.Name, r.Plan, r.Variant, seed,
		formatFloat(r.CVScore), formatFloat(r.CVStd), folds, formatFloat(r.LBScore),
		formatFloat(r.CVLBGap), strconv.Itoa(r.NFeatures), r.ModelType, r.Metric,
		r.Direction, r.ParamsHash, r.Status, formatFloat(&dur), r.Notes, r.Reason,
		archived, r.Source, r.Fingerprint,
	}
}

// encodeRows renders rows as CSV in the column order of header (a tracker
// made by another version may order or name its columns differently), with
// the header line first when withHeader is set.
func encodeRows(rows []Row, header []string, withHeader bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if withHeader {
		_ = w.Write(header)
	}
	pos := make(map[string]int, len(Columns))
	for i, c := range Columns {
		pos[c] = i
	}
	out := make([]string, len(header))
	for _, r := range rows {
		fields := r.fields()
		for i, c := range header {
			out[i] = ""
			if j, ok := pos[c]; ok {
				out[i] = fields[j]
			}
		}
		_ = w.Write(out)
	}
	w.Flush()
	return buf.Bytes()
}

// headerOf rebuilds a header from its column index.
func headerOf(index map[string]int) []string {
	h := make([]string, len(index))
	for c, i := range index {
		if i < len(h) {
			h[i] = c
		}
	}
	return h
}

// parsed is the result of reading runs.csv: the rows, where the last good
// record ends, and what was wrong.
type parsed struct {
	index    map[string]int // column positions from the header
	rows     []Row
	goodEnd  int64 // offset just after the last complete record
	torn     bool  // the data ends inside a record (an interrupted append)
	warnings []string
}

// parseCSV reads a whole runs.csv. A damaged last record (a torn append)
// is skipped with a warning; damage elsewhere is an error.
func parseCSV(data []byte, name string) (parsed, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return parsed{}, nil
	}
	if err != nil {
		return parsed{}, fmt.Errorf("%s: unreadable header: %w", name, err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[h] = i
	}
	for _, c := range []string{"run_id", "status"} {
		if _, ok := index[c]; !ok {
			return parsed{}, fmt.Errorf("%s: header has no %q column: is this a kxrun tracker?", name, c)
		}
	}
	start := r.InputOffset()
	p, err := parseBody(data[start:], index, name, 1)
	p.goodEnd += start
	return p, err
}

// parseBody reads the records after the header; firstLine numbers the
// header's line for messages.
func parseBody(data []byte, index map[string]int, name string, headerLine int) (parsed, error) {
	p := parsed{index: index}
	pos := positions(index)
	p.rows = make([]Row, 0, bytes.Count(data, []byte{'\n'}))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	complete := len(data) == 0 || data[len(data)-1] == '\n'
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		end := r.InputOffset()
		if !complete && (err != nil || end >= int64(len(data))) {
			p.torn = true
			p.warnings = append(p.warnings, fmt.Sprintf("%s: ignoring an incomplete last row (an interrupted write)", name))
			break
		}
		if err != nil {
			return p, fmt.Errorf("%s is damaged: %w (fix or remove that row)", name, err)
		}
		row, err := decodeRow(rec, pos)
		if err != nil {
			line, _ := r.FieldPos(0)
			p.warnings = append(p.warnings, fmt.Sprintf("%s:%d: skipping row: %v", name, line+headerLine, err))
		} else {
			p.rows = append(p.rows, row)
		}
		p.goodEnd = end
	}
	return p, nil
}

// colPos maps each known column to its position in a file's records (-1
// when the file has no such column), resolved once per file.
type colPos [numColumns]int

const (
	cRunID = iota
	cDate
	cName
	cPlan
	cVariant
	cSeed
	cCVScore
	cCVStd
	cCVFolds
	cLBScore
	cCVLBGap
	cNFeatures
	cModelType
	cMetric
	cDirection
	cParamsHash
	cStatus
	cDurationS
	cNotes
	cReason
	cArchived
	cSource
	cFingerprint
	numColumns
)

func positions(index map[string]int) *colPos {
	var p colPos
	for i, c := range Columns {
		p[i] = -1
		if j, ok := index[c]; ok {
			p[i] = j
		}
	}
	return &p
}

func decodeRow(rec []string, pos *colPos) (Row, error) {
	get := func(c int) string {
		if i := pos[c]; i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var r Row
	var err error
	r.RunID = get(cRunID)
	n, ok := ParseID(r.RunID)
	if !ok {
		return r, fmt.Errorf("bad run_id %q", r.RunID)
	}
	r.Number = n
	r.Date, r.Name, r.Plan, r.Variant = get(cDate), get(cName), get(cPlan), get(cVariant)
	if s := get(cSeed); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return r, fmt.Errorf("bad seed %q", s)
		}
		r.Seed = &v
	}
	floats := [...]struct {
		col int
		dst **float64
	}{{cCVScore, &r.CVScore}, {cCVStd, &r.CVStd}, {cLBScore, &r.LBScore}, {cCVLBGap, &r.CVLBGap}}
	for _, f := range floats {
		if *f.dst, err = optFloat(get(f.col)); err != nil {
			return r, fmt.Errorf("bad %s: %v", Columns[f.col], err)
		}
	}
	if s := get(cCVFolds); s != "" {
		if r.CVFolds, err = parseFolds(s); err != nil {
			return r, fmt.Errorf("bad cv_folds %q", s)
		}
	}
	if s := get(cNFeatures); s != "" {
		if r.NFeatures, err = strconv.Atoi(s); err != nil {
			return r, fmt.Errorf("bad n_features %q", s)
		}
	}
	r.ModelType, r.Metric, r.Direction = get(cModelType), get(cMetric), get(cDirection)
	r.ParamsHash, r.Status = get(cParamsHash), get(cStatus)
	if d, err := optFloat(get(cDurationS)); err == nil && d != nil {
		r.DurationS = *d
	}
	r.Notes, r.Reason = get(cNotes), get(cReason)
	r.Archived = get(cArchived) == "true"
	r.Source = get(cSource)
	r.Fingerprint = get(cFingerprint)
	return r, nil
}

// parseFolds reads the JSON list of numbers kxrun writes; anything else
// goes through encoding/json, which is much slower on large trackers.
func parseFolds(s string) ([]float64, error) {
	inner, ok := strings.CutPrefix(s, "[")
	if inner, ok2 := strings.CutSuffix(inner, "]"); ok && ok2 {
		if strings.TrimSpace(inner) == "" {
			return []float64{}, nil
		}
		out := make([]float64, 0, strings.Count(inner, ",")+1)
		for part := range strings.SplitSeq(inner, ",") {
			f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
			if err != nil {
				return jsonFolds(s)
			}
			out = append(out, f)
		}
		return out, nil
	}
	return jsonFolds(s)
}

func jsonFolds(s string) ([]float64, error) {
	var out []float64
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func optFloat(s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

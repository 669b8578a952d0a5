package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kxrun/kxrun/internal/pyjson"
	"github.com/kxrun/kxrun/stats"
)

// TrainerResult is the JSON a trainer reports, validated.
type TrainerResult struct {
	CVScores []float64
	OOF      string // path as the trainer wrote it, "" when absent
	Test     string
	Target   string // labels aligned with the OOF rows, "" when absent
	Folds    string // the fold index of each OOF row, "" when absent
	Params   map[string]any
	Metrics  map[string]float64
	LBScore  *float64
	Notes    string
}

// ResultError says why a trainer's result is unusable.
type ResultError struct{ Reason string }

func (e *ResultError) Error() string { return e.Reason }

func resultErrorf(format string, args ...any) error {
	return &ResultError{Reason: fmt.Sprintf(format, args...)}
}

// ParseResult validates a result object. NaN and Infinity, which Python's
// json module writes although JSON has no such tokens, are recognised so
// that the failure names them instead of calling the JSON malformed.
func ParseResult(data []byte) (*TrainerResult, error) {
	fields, err := decodeObject(bytes.TrimSpace(data))
	if err != nil {
		return nil, resultErrorf("malformed result JSON: %v", err)
	}
	var res TrainerResult
	raw, ok := fields["cv_scores"]
	if !ok {
		return nil, resultErrorf("result has no cv_scores")
	}
	if res.CVScores, err = parseScores(raw); err != nil {
		return nil, err
	}
	// Finite scores can still overflow their mean or variance; a record
	// with an infinite CV could not be stored or compared.
	if m, s := stats.Mean(res.CVScores), stats.Std(res.CVScores, 0); math.IsInf(m, 0) || math.IsNaN(m) || math.IsInf(s, 0) || math.IsNaN(s) {
		return nil, resultErrorf("cv_scores are too large to average (their mean or std overflows)")
	}
	if res.OOF, err = optionalString(fields, "oof"); err != nil {
		return nil, err
	}
	if res.Test, err = optionalString(fields, "test"); err != nil {
		return nil, err
	}
	if res.Target, err = optionalString(fields, "target"); err != nil {
		return nil, err
	}
	if res.Folds, err = optionalString(fields, "folds"); err != nil {
		return nil, err
	}
	if res.Notes, err = optionalString(fields, "notes"); err != nil {
		return nil, err
	}
	if raw, ok := fields["params"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &res.Params); err != nil || res.Params == nil {
			return nil, resultErrorf("params is not a JSON object")
		}
		if nestedDeeper(res.Params, maxParamsDepth) {
			return nil, resultErrorf("params are nested more than %d levels deep", maxParamsDepth)
		}
	}
	if raw, ok := fields["metrics"]; ok && !isNull(raw) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, resultErrorf("metrics is not a JSON object")
		}
		res.Metrics = make(map[string]float64, len(m))
		for k, v := range m {
			f, err := finiteNumber(v)
			if err != nil {
				return nil, resultErrorf("metrics.%s %v", k, err)
			}
			res.Metrics[k] = f
		}
	}
	if raw, ok := fields["lb_score"]; ok && !isNull(raw) {
		f, err := finiteNumber(raw)
		if err != nil {
			return nil, resultErrorf("lb_score %v", err)
		}
		res.LBScore = &f
	}
	return &res, nil
}

// maxParamsDepth bounds the nesting of a trainer's params. They are kept in
// the details as indented JSON, whose size grows with the square of the
// depth: a 30 KB result nesting 5,000 levels made a 50 MB details file (and
// took 200 MB of memory to write).
const maxParamsDepth = 100

// nestedDeeper reports whether v holds objects or arrays nested more than
// limit levels deep.
func nestedDeeper(v any, limit int) bool {
	if limit < 0 {
		return true
	}
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if nestedDeeper(e, limit-1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if nestedDeeper(e, limit-1) {
				return true
			}
		}
	}
	return false
}

func parseScores(raw json.RawMessage) ([]float64, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, resultErrorf("cv_scores is not a list")
	}
	if len(items) == 0 {
		return nil, resultErrorf("cv_scores is empty")
	}
	scores := make([]float64, len(items))
	for i, item := range items {
		f, err := finiteNumber(item)
		if err != nil {
			return nil, resultErrorf("cv_scores[%d] %v", i, err)
		}
		scores[i] = f
	}
	return scores, nil
}

// finiteNumber accepts a JSON number; NaN and infinities arrive as the
// strings that sanitizeNonFinite turned them into.
func finiteNumber(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf("is not a number (%s)", truncate(string(raw), 40))
		}
		switch s {
		case nonFiniteMark + "NaN":
			return 0, errors.New("is NaN")
		case nonFiniteMark + "Infinity", nonFiniteMark + "-Infinity":
			return 0, fmt.Errorf("is %s", s[len(nonFiniteMark):])
		}
		return 0, fmt.Errorf("is not a number (%q)", truncate(s, 40))
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || n == "" {
		return 0, fmt.Errorf("is not a number (%s)", truncate(string(raw), 40))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("is out of range (%s)", n)
	}
	return f, nil
}

func optionalString(fields map[string]json.RawMessage, key string) (string, error) {
	raw, ok := fields[key]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", resultErrorf("%s is not a string", key)
	}
	return s, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// truncate shortens s to at most n bytes, cutting between runes, and
// makes it valid UTF-8: reasons quote what a trainer wrote, and invalid
// UTF-8 in runs.csv makes pandas refuse the whole file.
func truncate(s string, n int) string {
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// decodeObject splits a JSON object into its top-level fields, rejecting
// duplicate keys: with two cv_scores, which one the trainer meant is a guess.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(b) {
		clean, changed := sanitizeNonFinite(b)
		if !changed || !json.Valid(clean) {
			return nil, errors.New("not valid JSON")
		}
		b = clean
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	fields := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if _, dup := fields[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		fields[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the object")
	}
	return fields, nil
}

// nonFiniteMark prefixes the strings that stand for NaN and infinities, so
// that a trainer's own string "NaN" is not mistaken for one.
const nonFiniteMark = "\x00kxrun:"

// sanitizeNonFinite rewrites the bare tokens NaN, Infinity and -Infinity
// outside strings into marked strings.
func sanitizeNonFinite(b []byte) ([]byte, bool) {
	return pyjson.ReplaceNonFinite(b, func(tok string) string { return `"\u0000kxrun:` + tok + `"` })
}

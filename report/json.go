package report

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// WriteRunsJSON writes s as json.Encoder with SetIndent("", "  ") writes
// it, byte for byte, several times faster for a long list of runs:
// encoding/json marshals each run by reflection and then indents the whole
// text again, some 40 MB for 100,000 runs. The list is written here; every
// other field, and any value that is not plain (a string with characters
// to escape, a float in exponent form), goes through encoding/json. With a
// NaN or infinite score anywhere the whole goes to encoding/json, for its
// error.
func WriteRunsJSON(w io.Writer, s *RunsSummary) error {
	standard := func() error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	if len(s.Runs) == 0 {
		return standard()
	}
	for i := range s.Runs {
		if !finiteRun(&s.Runs[i]) {
			return standard()
		}
	}
	rest := *s
	rest.Runs = []RunJSON{}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&rest); err != nil {
		return err
	}
	// The list is the first field: splice it in place of the empty one.
	const empty = "{\n  \"runs\": [],\n"
	if !bytes.HasPrefix(head.Bytes(), []byte(empty)) {
		return standard()
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, "{\n  \"runs\": ["...)
	for i := range s.Runs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRunJSON(b, &s.Runs[i])
		if len(b) > 60<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, "\n  ],\n"...)
	b = append(b, head.Bytes()[len(empty):]...)
	_, err := w.Write(b)
	return err
}

func finiteRun(r *RunJSON) bool {
	for _, f := range [...]*float64{r.CVScore, r.CVStd, r.LBScore, r.CVLBGap} {
		if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
			return false
		}
	}
	return true
}

// appendRunJSON appends r as an element of the list, indented two levels
// deep, field by field in the order of RunJSON's declaration.
func appendRunJSON(b []byte, r *RunJSON) []byte {
	const field = "\n      \""
	str := func(name, v string) {
		b = append(b, field...)
		b = append(b, name...)
		b = append(b, "\": "...)
		b = appendJSONString(b, v)
		b = append(b, ',')
	}
	num := func(name string, f *float64) {
		b = append(b, field...)
		b = append(b, name...)
		b = append(b, "\": "...)
		if f == nil {
			b = append(b, "null"...)
		} else {
			b = appendJSONFloat(b, *f)
		}
		b = append(b, ',')
	}
	b = append(b, "\n    {"...)
	str("run_id", r.RunID)
	str("name", r.Name)
	str("date", r.Date)
	if r.Plan != "" {
		str("plan", r.Plan)
	}
	if r.Variant != "" {
		str("variant", r.Variant)
	}
	b = append(b, field+"seed\": "...)
	if r.Seed == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *r.Seed, 10)
	}
	b = append(b, ',')
	num("cv_score", r.CVScore)
	num("cv_std", r.CVStd)
	num("lb_score", r.LBScore)
	num("cv_lb_gap", r.CVLBGap)
	b = append(b, field+"n_features\": "...)
	b = strconv.AppendInt(b, int64(r.NFeatures), 10)
	b = append(b, ',')
	if len(r.Techniques) > 0 {
		b = append(b, field+"techniques\": ["...)
		for i, t := range r.Techniques {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n        "...)
			b = appendJSONString(b, t)
		}
		b = append(b, "\n      ],"...)
	}
	str("model_type", r.ModelType)
	str("metric", r.Metric)
	str("direction", r.Direction)
	str("status", r.Status)
	if r.Reason != "" {
		str("reason", r.Reason)
	}
	b = append(b, field+"archived\": "...)
	b = strconv.AppendBool(b, r.Archived)
	if r.Notes != "" {
		b = append(b, ',')
		str("notes", r.Notes)
		b = b[:len(b)-1] // the last field has no comma
	}
	return append(b, "\n    }"...)
}

// appendJSONString quotes s as encoding/json does: directly when it has
// nothing to escape (printable ASCII other than ", \, <, > and &), through
// encoding/json otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat writes a finite f as encoding/json does: the shortest
// decimal that reads back as f, in exponent form only below 1e-6 or from
// 1e21 on, which go through encoding/json.
func appendJSONFloat(b []byte, f float64) []byte {
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		q, _ := json.Marshal(f) // finite: checked by the caller
		return append(b, q...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

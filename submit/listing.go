package submit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Entry is one row of `kaggle competitions submissions C --csv`.
type Entry struct {
	Ref, FileName, Date, Description string
	Status                           string // complete, pending, error, ... (lower case)
	Public, Private                  *float64
}

// Complete reports whether the submission was scored.
func (e Entry) Complete() bool { return e.Status == "complete" }

// listingColumns are the columns kxrun reads; ref is absent from older
// versions of the CLI.
var listingColumns = []string{"fileName", "date", "description", "status", "publicScore", "privateScore"}

// ParseListing reads the CLI's CSV listing. Lines before the header (the
// CLI prints notices such as a newer version being available) are
// skipped. Scores are strings: empty, "None" or unparsable ones are
// missing. Statuses are normalised: "SubmissionStatus.COMPLETE" and
// "complete" are both complete.
func ParseListing(data []byte) ([]Entry, error) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := -1
	for i, l := range lines {
		if bytes.Contains(l, []byte("fileName")) && bytes.Contains(l, []byte("publicScore")) {
			start = i
			break
		}
	}
	if start < 0 {
		if bytes.Contains(data, []byte("No submissions found")) {
			return nil, nil
		}
		return nil, fmt.Errorf("not a submissions listing: no header with fileName and publicScore (is it the output of kaggle competitions submissions C --csv?)")
	}
	r := csv.NewReader(bytes.NewReader(bytes.Join(lines[start:], nil)))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read the submissions listing: %w", err)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range listingColumns {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("the submissions listing has no %s column (columns: %v)", c, records[0])
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Entry
	for _, rec := range records[1:] {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		out = append(out, Entry{
			Ref: get(rec, "ref"), FileName: get(rec, "fileName"), Date: get(rec, "date"),
			Description: get(rec, "description"), Status: normStatus(get(rec, "status")),
			Public: score(get(rec, "publicScore")), Private: score(get(rec, "privateScore")),
		})
	}
	return out, nil
}

func normStatus(s string) string {
	s = strings.ToLower(s)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func score(s string) *float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// tokenRe finds the run a description names: "kxrun:run_012 ...".
var tokenRe = regexp.MustCompile(`(?:^|\s)kxrun:(run_\d+)\b`)

// Token is the description prefix that ties a submission to its run.
func Token(runID string) string { return "kxrun:" + runID }

// RunToken is the run id in a description's kxrun: token, or "".
func RunToken(description string) string {
	if m := tokenRe.FindStringSubmatch(description); m != nil {
		return m[1]
	}
	return ""
}

package tracker

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Columns of runs.csv, in order. New columns go at the end.
var Columns = []string{
	"run_id", "date", "name", "plan", "variant", "seed",
	"cv_score", "cv_std", "cv_folds", "lb_score", "cv_lb_gap", "n_features",
	"model_type", "metric", "direction", "params_hash", "status", "duration_s",
	"notes", "reason", "archived", "source", "fingerprint", "techniques", "private_lb",
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
	// Techniques are the plan techniques the run had on, comma-separated
	// in plan order; "" for none.
	Techniques string
	PrivateLB  *float64 // the private leaderboard score, once known
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
		Fingerprint: rec.Fingerprint, Techniques: strings.Join(rec.Techniques, ","),
		PrivateLB: rec.PrivateLB,
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
		archived, r.Source, r.Fingerprint, r.Techniques, formatFloat(r.PrivateLB),
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
// is skipped with a warning; damage elsewhere is an error. The rows'
// strings may share data's memory: data must not change afterwards.
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
// header's line for messages. As with parseCSV, data must not change
// afterwards.
func parseBody(data []byte, index map[string]int, name string, headerLine int) (parsed, error) {
	if p, ok := parseSimple(data, index, name, headerLine); ok {
		return p, nil
	}
	return parseGeneral(data, index, name, headerLine)
}

// parseGeneral is parseBody with encoding/csv, for any input: it defines
// what parseSimple must agree with, and handles damage.
func parseGeneral(data []byte, index map[string]int, name string, headerLine int) (parsed, error) {
	p := parsed{index: index}
	pos := positions(index)
	var a arena
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
		n := len(p.rows)
		p.rows = p.rows[:n+1]
		if err := decodeInto(&p.rows[n], rec, pos, &a); err != nil {
			p.rows[n] = Row{}
			p.rows = p.rows[:n]
			line, _ := r.FieldPos(0)
			p.warnings = append(p.warnings, fmt.Sprintf("%s:%d: skipping row: %v", name, line+headerLine, err))
		}
		p.goodEnd = end
	}
	return p, nil
}

// parseSimple reads records the way encoding/csv does, several times
// faster, when the data is what kxrun writes: complete lines ending in
// "\n", no "\r", no empty line, quotes only around whole fields. It
// returns false for anything else, which parseGeneral then reads (and
// explains). The fields are cut from one string of the whole data rather
// than one per record, and a large file is read in parts at once, one
// per core.
func parseSimple(data []byte, index map[string]int, name string, headerLine int) (parsed, bool) {
	return parseParts(data, index, name, headerLine, min(runtime.GOMAXPROCS(0), 4, 1+len(data)/parallelBytes))
}

// parseParts is parseSimple with the data split in n parts.
func parseParts(data []byte, index map[string]int, name string, headerLine, n int) (parsed, bool) {
	p := parsed{index: index}
	if len(data) > 0 && data[len(data)-1] != '\n' || bytes.IndexByte(data, '\r') >= 0 {
		return p, false
	}
	pos := positions(index)
	// The fields are cut from the data itself, not from a copy: every
	// caller reads runs.csv into a buffer of its own and leaves it alone,
	// and a copy of a 100,000-run file is 23 MB more to allocate and fault
	// in.
	s := unsafe.String(unsafe.SliceData(data), len(data))
	bounds := splitRecords(s, n)
	// All rows go in one slice; each part fills its own stretch of it, as
	// long as it has lines, and the stretches are closed up at the end.
	p.rows = make([]Row, strings.Count(s, "\n"))
	parts := make([]chunk, len(bounds)-1)
	var wg sync.WaitGroup
	line, row := 1, 0
	for k := range parts {
		c := &parts[k]
		c.s, c.off, c.line, c.first = s[bounds[k]:bounds[k+1]], bounds[k], line, row
		lines := strings.Count(c.s, "\n")
		c.rows = p.rows[row : row : row+lines]
		line, row = line+lines, row+lines
		wg.Go(func() { c.parse(pos, name, headerLine) })
	}
	wg.Wait()
	n = 0
	for k := range parts {
		c := &parts[k]
		if !c.ok {
			return parsed{index: index}, false
		}
		if c.first != n { // an earlier part had lines that were not rows
			copy(p.rows[n:], c.rows)
		}
		n += len(c.rows)
		p.warnings = append(p.warnings, c.warnings...)
		if c.goodEnd > 0 {
			p.goodEnd = int64(c.off + c.goodEnd)
		}
	}
	clear(p.rows[n:])
	p.rows = p.rows[:n]
	return p, true
}

// parallelBytes is the size of runs.csv (some 20,000 runs) from which
// reading it is split between cores.
const parallelBytes = 4 << 20

// splitRecords cuts s into n parts that start and end on record
// boundaries and returns their offsets (0, ..., len(s)). A newline is a
// boundary when it is outside quotes, that is, when an even number of
// quotes come before it: in what parseSimple accepts, a quoted field
// holds its quotes in pairs and a newline never falls inside a pair. On
// other data a part may start inside a field, but then some part fails
// to parse and everything is read again the slow way.
func splitRecords(s string, n int) []int {
	bounds := []int{0}
	for k := 1; k < n; k++ {
		i := max(k*len(s)/n, bounds[len(bounds)-1])
		quoted := strings.Count(s[:i], `"`)%2 == 1
		for ; i < len(s); i++ {
			if s[i] == '"' {
				quoted = !quoted
			} else if s[i] == '\n' && !quoted {
				break
			}
		}
		if i+1 >= len(s) {
			break
		}
		bounds = append(bounds, i+1)
	}
	return append(bounds, len(s))
}

// chunk is a part of runs.csv read by one goroutine.
type chunk struct {
	s        string
	off      int // of s in the data
	line     int // of s's first line, counted from the first line of data
	first    int // the index its rows start at in the whole
	rows     []Row
	warnings []string
	goodEnd  int // offset in s after the last complete record, 0 for none
	ok       bool
}

func (c *chunk) parse(pos *colPos, name string, headerLine int) {
	var a arena
	var rec []string
	s, line := c.s, c.line
	for i := 0; i < len(s); {
		if s[i] == '\n' {
			return // an empty line: encoding/csv skips it
		}
		start, nl := line, 0
		rec = rec[:0]
		for {
			var field string
			if s[i] == '"' {
				var n int
				var ok bool
				if field, n, nl, ok = quotedField(s, i, nl); !ok {
					return
				}
				i += n
			} else {
				j := i
				for j < len(s) && s[j] != ',' && s[j] != '\n' && s[j] != '"' {
					j++ // fields are short: faster than strings.IndexAny
				}
				if j == len(s) || s[j] == '"' {
					return // a bare quote, or no end (impossible: s ends in "\n")
				}
				field = s[i:j]
				i = j
			}
			rec = append(rec, field)
			if s[i] == '\n' {
				i++
				break
			}
			i++ // the comma
			if i == len(s) {
				return
			}
		}
		line += 1 + nl
		n := len(c.rows)
		c.rows = c.rows[:n+1]
		if err := decodeInto(&c.rows[n], rec, pos, &a); err != nil {
			c.rows[n] = Row{}
			c.rows = c.rows[:n]
			c.warnings = append(c.warnings, fmt.Sprintf("%s:%d: skipping row: %v", name, start+headerLine, err))
		}
		c.goodEnd = i
	}
	c.ok = true
}

// quotedField reads the quoted field at s[i] and returns it, the bytes it
// took (up to the separator after it), and nl plus the newlines inside it.
// ok is false when the quotes are not as encoding/csv requires.
func quotedField(s string, i, nl int) (field string, n, nlOut int, ok bool) {
	var b strings.Builder
	from := i + 1
	for k := from; ; {
		j := strings.IndexByte(s[k:], '"')
		if j < 0 {
			return "", 0, 0, false // never closed
		}
		k += j
		if k+1 < len(s) && s[k+1] == '"' { // "" is a quote
			b.WriteString(s[from : k+1])
			k += 2
			from = k
			continue
		}
		if k+1 == len(s) || s[k+1] != ',' && s[k+1] != '\n' {
			return "", 0, 0, false
		}
		if b.Len() == 0 {
			field = s[from:k]
		} else {
			b.WriteString(s[from:k])
			field = b.String()
		}
		return field, k + 1 - i, nl + strings.Count(s[i:k], "\n"), true
	}
}

// arena hands out the numbers rows point to from shared blocks: a few
// allocations per thousand rows instead of several per row. Blocks are
// never appended to past their length, so a pointer or a slice stays
// valid, and a slice cannot grow into its neighbour (its capacity ends
// with it).
type arena struct {
	floats []float64
	ints   []int64
}

const arenaBlock = 4096

func (a *arena) float(f float64) *float64 {
	if a == nil {
		p := new(float64) // not &f: f would then be on the heap in every call
		*p = f
		return p
	}
	if len(a.floats) == cap(a.floats) {
		a.floats = make([]float64, 0, arenaBlock)
	}
	a.floats = append(a.floats, f)
	return &a.floats[len(a.floats)-1]
}

func (a *arena) int(v int64) *int64 {
	if a == nil {
		p := new(int64)
		*p = v
		return p
	}
	if len(a.ints) == cap(a.ints) {
		a.ints = make([]int64, 0, arenaBlock/8)
	}
	a.ints = append(a.ints, v)
	return &a.ints[len(a.ints)-1]
}

// floatsN returns n floats of the arena.
func (a *arena) floatsN(n int) []float64 {
	if a == nil || n > arenaBlock/4 {
		return make([]float64, n)
	}
	if cap(a.floats)-len(a.floats) < n {
		a.floats = make([]float64, 0, arenaBlock)
	}
	l := len(a.floats)
	a.floats = a.floats[:l+n]
	return a.floats[l : l+n : l+n]
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
	cTechniques
	cPrivateLB
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

// decodeRow decodes one record.
func decodeRow(rec []string, pos *colPos) (Row, error) {
	var r Row
	err := decodeInto(&r, rec, pos, nil)
	return r, err
}

// decodeInto decodes one record into r, which is zero, its numbers taken
// from a (nil: allocated one by one). Rows are decoded in place, in the
// slice that holds them: a row is 300 bytes, and copying it costs more
// than decoding it when the garbage collector is running.
func decodeInto(r *Row, rec []string, pos *colPos, a *arena) error {
	get := func(c int) string {
		if i := pos[c]; i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var err error
	r.RunID = get(cRunID)
	n, ok := ParseID(r.RunID)
	if !ok {
		return fmt.Errorf("bad run_id %q", r.RunID)
	}
	r.Number = n
	r.Date, r.Name, r.Plan, r.Variant = get(cDate), get(cName), get(cPlan), get(cVariant)
	if s := get(cSeed); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("bad seed %q", s)
		}
		r.Seed = a.int(v)
	}
	// One column at a time: a table of pointers to r's fields would move
	// r to the heap.
	if r.CVScore, err = optFloat(get(cCVScore), a); err != nil {
		return badFloat(cCVScore, err)
	}
	if r.CVStd, err = optFloat(get(cCVStd), a); err != nil {
		return badFloat(cCVStd, err)
	}
	if r.LBScore, err = optFloat(get(cLBScore), a); err != nil {
		return badFloat(cLBScore, err)
	}
	if r.CVLBGap, err = optFloat(get(cCVLBGap), a); err != nil {
		return badFloat(cCVLBGap, err)
	}
	if s := get(cCVFolds); s != "" {
		if r.CVFolds, err = parseFolds(s, a); err != nil {
			return fmt.Errorf("bad cv_folds %q", s)
		}
	}
	if s := get(cNFeatures); s != "" {
		if r.NFeatures, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("bad n_features %q", s)
		}
	}
	r.ModelType, r.Metric, r.Direction = get(cModelType), get(cMetric), get(cDirection)
	r.ParamsHash, r.Status = get(cParamsHash), get(cStatus)
	if s := get(cDurationS); s != "" {
		if d, err := parseFloat(s); err == nil {
			r.DurationS = d
		}
	}
	r.Notes, r.Reason = get(cNotes), get(cReason)
	r.Archived = get(cArchived) == "true"
	r.Source = get(cSource)
	r.Fingerprint = get(cFingerprint)
	r.Techniques = get(cTechniques)
	if r.PrivateLB, err = optFloat(get(cPrivateLB), a); err != nil {
		return badFloat(cPrivateLB, err)
	}
	return nil
}

func badFloat(col int, err error) error {
	return fmt.Errorf("bad %s: %v", Columns[col], err)
}

// parseFolds reads the JSON list of numbers kxrun writes; anything else
// goes through encoding/json, which is much slower on large trackers.
func parseFolds(s string, a *arena) ([]float64, error) {
	if out, ok := plainFolds(s, a); ok {
		return out, nil
	}
	return parseFoldsGeneral(s, a)
}

// plainFolds reads s when it is exactly what kxrun writes, "[" numbers
// separated by commas "]" with no spaces, in one pass: parseFoldsGeneral
// splits, trims and scans each number again, and was over a quarter of
// reading runs.csv (this takes a third less).
// Numbers of digits, a point, signs and exponents go to parseFloat, as
// there; anything else (spaces, NaN), and an empty list, returns false.
func plainFolds(s string, a *arena) ([]float64, bool) {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	inner := s[1 : len(s)-1]
	out := a.floatsN(strings.Count(inner, ",") + 1)
	k, from := 0, 0
	for i := 0; i <= len(inner); i++ {
		if i < len(inner) {
			c := inner[i]
			if c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' {
				continue
			}
			if c != ',' {
				return nil, false
			}
		}
		f, err := parseFloat(inner[from:i])
		if err != nil {
			return nil, false
		}
		out[k] = f
		k++
		from = i + 1
	}
	return out, true
}

// parseFoldsGeneral is parseFolds for any string.
func parseFoldsGeneral(s string, a *arena) ([]float64, error) {
	inner, ok := strings.CutPrefix(s, "[")
	if inner, ok2 := strings.CutSuffix(inner, "]"); ok && ok2 {
		if strings.TrimSpace(inner) == "" {
			return []float64{}, nil
		}
		out := a.floatsN(strings.Count(inner, ",") + 1)
		k := 0
		for part := range strings.SplitSeq(inner, ",") {
			f, err := parseFloat(strings.TrimSpace(part))
			if err != nil {
				return jsonFolds(s)
			}
			out[k] = f
			k++
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

func optFloat(s string, a *arena) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	f, err := parseFloat(s)
	if err != nil {
		return nil, err
	}
	return a.float(f), nil
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat is strconv.ParseFloat(s, 64), faster for the plain decimals
// runs.csv is made of ("0.8123", "-12.5"): when the digits, read as an
// integer, are below 2^53 and at most 22 follow the point, both that
// integer and the power of ten are exact float64s, so one division gives
// the correctly rounded value, as strconv would (it takes this same path,
// after a slower scan). Anything else goes to strconv.
func parseFloat(s string) (float64, error) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	var mant uint64
	digits, frac, dot, any := 0, 0, false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			any = true
			if digits == 19 {
				return strconv.ParseFloat(s, 64) // could overflow mant
			}
			mant = mant*10 + uint64(c-'0')
			if mant > 0 {
				digits++
			}
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return strconv.ParseFloat(s, 64) // exponents, NaN, Inf, junk
		}
	}
	if !any || mant >= 1<<53 || frac > 22 {
		return strconv.ParseFloat(s, 64)
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}

package tracker

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Columns of runs.csv, in order, as a new tracker writes them. A tracker
// made by another version may order them differently or lack some (they
// are added at the end when it is upgraded), and users may add their own:
// those are kept, in place, by every rewrite.
var Columns = columnNames()

// columns says how each column of runs.csv is written from a Row and
// read back into one: its name, its kind and its field's offset in Row.
// New columns go at the end: one line each.
var columns = []column{
	{"run_id", kRunID, unsafe.Offsetof(Row{}.RunID)},
	{"date", kString, unsafe.Offsetof(Row{}.Date)},
	{"name", kString, unsafe.Offsetof(Row{}.Name)},
	{"plan", kString, unsafe.Offsetof(Row{}.Plan)},
	{"variant", kString, unsafe.Offsetof(Row{}.Variant)},
	{"seed", kOptInt, unsafe.Offsetof(Row{}.Seed)},
	{"cv_score", kOptFloat, unsafe.Offsetof(Row{}.CVScore)},
	{"cv_std", kOptFloat, unsafe.Offsetof(Row{}.CVStd)},
	{"cv_folds", kFloats, unsafe.Offsetof(Row{}.CVFolds)},
	{"lb_score", kOptFloat, unsafe.Offsetof(Row{}.LBScore)},
	{"cv_lb_gap", kOptFloat, unsafe.Offsetof(Row{}.CVLBGap)},
	{"n_features", kInt, unsafe.Offsetof(Row{}.NFeatures)},
	{"model_type", kString, unsafe.Offsetof(Row{}.ModelType)},
	{"metric", kString, unsafe.Offsetof(Row{}.Metric)},
	{"direction", kString, unsafe.Offsetof(Row{}.Direction)},
	{"params_hash", kString, unsafe.Offsetof(Row{}.ParamsHash)},
	{"status", kString, unsafe.Offsetof(Row{}.Status)},
	{"duration_s", kLaxFloat, unsafe.Offsetof(Row{}.DurationS)},
	{"notes", kString, unsafe.Offsetof(Row{}.Notes)},
	{"reason", kString, unsafe.Offsetof(Row{}.Reason)},
	{"archived", kBool, unsafe.Offsetof(Row{}.Archived)},
	{"source", kString, unsafe.Offsetof(Row{}.Source)},
	{"fingerprint", kString, unsafe.Offsetof(Row{}.Fingerprint)},
	{"techniques", kString, unsafe.Offsetof(Row{}.Techniques)},
	{"competition", kString, unsafe.Offsetof(Row{}.Competition)},
	{"private_lb", kOptFloat, unsafe.Offsetof(Row{}.PrivateLB)},
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
	Techniques  string
	Competition string
	PrivateLB   *float64 // the private leaderboard score, once known
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
		Competition: rec.Competition,
		PrivateLB:   rec.PrivateLB,
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

// encodeRows renders rows as CSV in the column order of header (a tracker
// made by another version may order or name its columns differently), with
// the header line first when withHeader is set. Columns kxrun does not
// know are left empty.
func encodeRows(rows []Row, header []string, withHeader bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if withHeader {
		_ = w.Write(header)
	}
	pos := positions(header)
	out := make([]string, len(header))
	for i := range rows {
		clear(out)
		rows[i].encodeInto(out, pos)
		_ = w.Write(out)
	}
	w.Flush()
	return buf.Bytes()
}

// encodeInto writes r's known columns into out at their positions.
func (r *Row) encodeInto(out []string, pos []int) {
	for c, i := range pos {
		if i >= 0 && i < len(out) {
			out[i] = columns[c].get(r)
		}
	}
}

// parsed is the result of reading runs.csv: the rows, where the last good
// record ends, and what was wrong.
type parsed struct {
	header   []string // the columns of the file, in its order
	crlf     bool     // its lines end in "\r\n"
	rows     []Row
	goodEnd  int64 // offset just after the last complete record
	torn     bool  // the data ends inside a record (an interrupted append)
	warnings []string
}

// parseCSV reads a whole runs.csv. A damaged last record (a torn append)
// is skipped with a warning; damage elsewhere is an error. The rows'
// strings may share data's memory: data must not change afterwards.
func parseCSV(data []byte, name string) (parsed, error) {
	// Spreadsheets save UTF-8 with a byte order mark.
	bom := bytes.HasPrefix(data, utf8BOM)
	if bom {
		data = data[len(utf8BOM):]
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return parsed{}, nil
	}
	if err != nil {
		return parsed{}, fmt.Errorf("%s: unreadable header: %w", name, err)
	}
	header, err = checkHeader(header, name)
	if err != nil {
		return parsed{}, err
	}
	start := r.InputOffset()
	p, err := parseBody(data[start:], header, name, 1)
	p.crlf = start >= 2 && data[start-2] == '\r'
	p.goodEnd += start
	if bom {
		p.goodEnd += int64(len(utf8BOM))
	}
	return p, err
}

var utf8BOM = []byte("\xef\xbb\xbf")

// checkHeader returns the column names of a header line, trimmed of the
// spaces a hand edit may leave, or says why it is not a tracker's.
func checkHeader(header []string, name string) ([]string, error) {
	header = slices.Clone(header)
	seen := map[string]bool{}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if header[i] != "" && seen[header[i]] && slices.Contains(Columns, header[i]) {
			return nil, fmt.Errorf("%s: column %q appears twice in the header: remove one", name, header[i])
		}
		seen[header[i]] = true
	}
	for _, c := range []string{"run_id", "status"} {
		if !seen[c] {
			return nil, fmt.Errorf("%s: the header (%s) has no %q column: is this a kxrun tracker?", name, abbreviate(strings.Join(header, ","), 80), c)
		}
	}
	return header, nil
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// parseBody reads the records after the header; firstLine numbers the
// header's line for messages. As with parseCSV, data must not change
// afterwards.
func parseBody(data []byte, header []string, name string, headerLine int) (parsed, error) {
	if p, ok := parseSimple(data, header, name, headerLine); ok {
		return p, nil
	}
	return parseGeneral(data, header, name, headerLine)
}

// parseGeneral is parseBody with encoding/csv, for any input: it defines
// what parseSimple must agree with, and handles damage.
func parseGeneral(data []byte, header []string, name string, headerLine int) (parsed, error) {
	p := parsed{header: header}
	pos := positions(header)
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
			p.warnings = append(p.warnings, fmt.Sprintf("%s:%d: cannot read this row (%v): it is left out here and kept in the file", name, line+headerLine, err))
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
func parseSimple(data []byte, header []string, name string, headerLine int) (parsed, bool) {
	return parseParts(data, header, name, headerLine, min(runtime.GOMAXPROCS(0), 4, 1+len(data)/parallelBytes))
}

// parseParts is parseSimple with the data split in n parts.
func parseParts(data []byte, header []string, name string, headerLine, n int) (parsed, bool) {
	p := parsed{header: header}
	if len(data) > 0 && data[len(data)-1] != '\n' || bytes.IndexByte(data, '\r') >= 0 {
		return p, false
	}
	pos := positions(header)
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
			return parsed{header: header}, false
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

func (c *chunk) parse(pos []int, name string, headerLine int) {
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
			c.warnings = append(c.warnings, fmt.Sprintf("%s:%d: cannot read this row (%v): it is left out here and kept in the file", name, start+headerLine, err))
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

// positions maps each known column to its position in a file's records
// (-1 when the file has no such column), resolved once per file.
func positions(header []string) []int {
	p := make([]int, len(columns))
	for c := range columns {
		p[c] = slices.Index(header, columns[c].name)
	}
	return p
}

// decodeRow decodes one record.
func decodeRow(rec []string, pos []int) (Row, error) {
	var r Row
	err := decodeInto(&r, rec, pos, nil)
	return r, err
}

// decodeInto decodes one record into r, which is zero, its numbers taken
// from a (nil: allocated one by one). Rows are decoded in place, in the
// slice that holds them: a row is 300 bytes, and copying it costs more
// than decoding it when the garbage collector is running.
func decodeInto(r *Row, rec []string, pos []int, a *arena) error {
	for c, i := range pos {
		s := ""
		if i >= 0 && i < len(rec) {
			s = rec[i]
		}
		if err := columns[c].set(r, s, a); err != nil {
			return fmt.Errorf("bad %s %q: %v", columns[c].name, abbreviate(s, 40), err)
		}
	}
	return nil
}

// column is one column of runs.csv. Readers accept what pandas and
// spreadsheets write when they save the file again (42.0 for 42, True for
// true). Fields are reached by offset rather than through functions: the
// reader decodes some 20 columns of every row, and a call for each was
// most of the cost of reading a large runs.csv.
type column struct {
	name string
	kind columnKind
	off  uintptr // of the field in Row
}

// columnKind is the type of a column's field and its encoding.
type columnKind int

const (
	kString   columnKind = iota // string
	kRunID                      // string run id, and Row.Number
	kOptFloat                   // *float64, empty for nil
	kLaxFloat                   // float64, an unreadable value read as 0
	kOptInt                     // *int64, empty for nil
	kInt                        // int
	kFloats                     // []float64 as a JSON list
	kBool                       // bool: "true" or empty
)

func columnNames() []string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	return names
}

func field[T any](r *Row, c *column) *T { return (*T)(unsafe.Add(unsafe.Pointer(r), c.off)) }

// get is the column's value in r, as runs.csv holds it.
func (c *column) get(r *Row) string {
	switch c.kind {
	case kString, kRunID:
		return *field[string](r, c)
	case kOptFloat:
		return formatFloat(*field[*float64](r, c))
	case kLaxFloat:
		return formatFloat(field[float64](r, c))
	case kOptInt:
		if p := *field[*int64](r, c); p != nil {
			return strconv.FormatInt(*p, 10)
		}
		return ""
	case kInt:
		return strconv.Itoa(*field[int](r, c))
	case kFloats:
		f := *field[[]float64](r, c)
		if len(f) == 0 {
			return "[]"
		}
		b, _ := json.Marshal(f) // finite by construction; JSON floats are shortest round-trip
		return string(b)
	case kBool:
		if *field[bool](r, c) {
			return "true"
		}
		return ""
	}
	panic("unknown column kind")
}

// set reads s into the column's field of r, its numbers taken from a.
func (c *column) set(r *Row, s string, a *arena) error {
	var err error
	switch c.kind {
	case kString:
		*field[string](r, c) = s
	case kRunID:
		n, ok := ParseID(s)
		if !ok {
			return errors.New("not a run id")
		}
		*field[string](r, c), r.Number = s, n
	case kOptFloat:
		*field[*float64](r, c), err = optFloat(s, a)
	case kLaxFloat:
		if d, err := parseFloat(s); err == nil && s != "" {
			*field[float64](r, c) = d // nothing depends on it: junk reads as 0
		}
	case kOptInt:
		if s != "" {
			var v int64
			if v, err = parseInt(s); err == nil {
				*field[*int64](r, c) = a.int(v)
			}
		}
	case kInt:
		if s != "" {
			var v int64
			v, err = parseInt(s)
			*field[int](r, c) = int(v)
		}
	case kFloats:
		if s != "" {
			*field[[]float64](r, c), err = parseFolds(s, a)
		}
	case kBool:
		switch s {
		case "", "true", "True", "TRUE", "1", "1.0":
			*field[bool](r, c) = s != ""
		case "false", "False", "FALSE", "0", "0.0":
		default:
			err = errors.New("not true or false")
		}
	}
	return err
}

// parseInt reads an integer, also as pandas writes one from a column with
// a missing value (42.0).
func parseInt(s string) (int64, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, errors.New("not an integer")
	}
	return int64(f), nil
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

// toCRLF turns the "\n" line ends encoding/csv writes into "\r\n", for a
// runs.csv saved that way (by a spreadsheet on Windows): a newline inside
// a quoted field changes too, which CSV readers take as the same text.
func toCRLF(data []byte) []byte {
	return bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
}

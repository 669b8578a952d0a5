package tracker

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
)

// table is runs.csv read for a rewrite: every record as it is in the file,
// so that writing it back loses nothing kxrun does not understand.
// Columns the user added keep their place and values, rows kxrun cannot
// read are written back byte for byte, and the known columns a file made
// by an older version lacks are added at the end (the upgrade).
type table struct {
	bom, crlf bool
	header    []string // the file's columns, then the known ones it lacked
	missing   []string // the known columns the file lacked
	records   []record
	rows      []Row // the records kxrun could read, in order
	warnings  []string
}

// record is one record of the file.
type record struct {
	fields []string // its values, in the file's column order
	raw    []byte   // its bytes, for a record that is written back unread
	row    int      // its index in rows, -1 when it could not be read
}

// readTable reads runs.csv for a rewrite. The caller holds the lock and
// has cut off a torn last record. Damage that leaves the records
// themselves unclear (a stray quote) is an error: nothing is rewritten.
func readTable(data []byte, name string) (*table, error) {
	tb := &table{}
	if tb.bom = bytes.HasPrefix(data, utf8BOM); tb.bom {
		data = data[len(utf8BOM):]
	}
	if len(bytes.TrimSpace(data)) == 0 {
		tb.header = slices.Clone(Columns)
		return tb, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: unreadable header: %w", name, err)
	}
	if tb.header, err = checkHeader(header, name); err != nil {
		return nil, err
	}
	start := r.InputOffset()
	tb.crlf = start >= 2 && data[start-2] == '\r'
	for _, c := range Columns {
		if !slices.Contains(tb.header, c) {
			tb.header = append(tb.header, c)
			tb.missing = append(tb.missing, c)
		}
	}
	pos := positions(tb.header)
	for {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s is damaged: %w (fix or remove that row; nothing was changed)", name, err)
		}
		end := r.InputOffset()
		rec := record{fields: fields, raw: data[start:end], row: -1}
		start = end
		var row Row
		if err := decodeInto(&row, fields, pos, nil); err != nil {
			line, _ := r.FieldPos(0)
			tb.warnings = append(tb.warnings, fmt.Sprintf("%s:%d: cannot read this row (%v): it is kept unchanged", name, line, err))
		} else {
			rec.row = len(tb.rows)
			tb.rows = append(tb.rows, row)
		}
		tb.records = append(tb.records, rec)
	}
	return tb, nil
}

// encode renders the table with rows (tb.rows after an edit) in place of
// the records kxrun read.
func (tb *table) encode() []byte {
	var buf bytes.Buffer
	if tb.bom {
		buf.Write(utf8BOM)
	}
	w := csv.NewWriter(&buf)
	w.UseCRLF = tb.crlf
	_ = w.Write(tb.header)
	pos := positions(tb.header)
	out := make([]string, len(tb.header))
	for _, rec := range tb.records {
		if rec.row < 0 {
			w.Flush()
			buf.Write(rec.raw)
			if !bytes.HasSuffix(rec.raw, []byte("\n")) {
				buf.WriteString("\n")
			}
			continue
		}
		clear(out)
		copy(out, rec.fields)
		tb.rows[rec.row].encodeInto(out, pos)
		_ = w.Write(out)
	}
	w.Flush()
	return buf.Bytes()
}

// fillMissing gives the columns an older file lacked the values the
// details records hold (its fingerprint, so that the cache hits, its
// direction, its source): details lacks only what runs.csv alone keeps
// (archived), and that stays empty.
func (tb *table) fillMissing(details func(runID string) (*Record, error)) {
	if len(tb.missing) == 0 {
		return
	}
	var idx []int
	for _, name := range tb.missing {
		idx = append(idx, slices.Index(Columns, name))
	}
	for i := range tb.rows {
		rec, err := details(tb.rows[i].RunID)
		if err != nil {
			continue
		}
		from := RowOf(rec)
		for _, c := range idx {
			_ = columns[c].set(&tb.rows[i], columns[c].get(&from), nil)
		}
	}
}

// upgrade rewrites a runs.csv made by an older version, once, under the
// lock, so that it has every column kxrun writes (filled from the details
// records): rows appended to it then keep their fingerprint and direction.
// A tracker that cannot be written is read as it is.
func (t *Tracker) upgrade() error {
	if !t.lacksColumns() {
		return nil
	}
	err := t.locked(func() error {
		if !t.lacksColumns() { // another process did it
			return nil
		}
		if err := t.rewriteLocked(func([]Row) error { return nil }); err != nil {
			return err
		}
		t.warn(fmt.Sprintf("%s: added the columns this version of kxrun writes", t.CSVPath()))
		return nil
	})
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return nil // read-only: read it as it is
	}
	return err
}

// lacksColumns reports whether runs.csv's header misses a known column.
func (t *Tracker) lacksColumns() bool {
	f, err := os.Open(t.CSVPath())
	if err != nil {
		return false
	}
	defer f.Close()
	data := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, data)
	data = bytes.TrimPrefix(data[:n], utf8BOM)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return false // an empty file or damage: the reader says so
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	for _, c := range Columns {
		if !slices.Contains(header, c) {
			return true
		}
	}
	return false
}

package tracker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// CSVPos is how far a reader has read runs.csv: the file it read (a
// rewrite replaces it), its columns and the offset after the last
// complete row. The zero CSVPos has read nothing.
type CSVPos struct {
	info   os.FileInfo
	header []string
	off    int64
}

// Offset is the byte offset after the last complete row read.
func (p CSVPos) Offset() int64 { return p.off }

// RowsSince reads what runs.csv gained since pos, for a reader that
// follows the tracker (a dashboard) without reading it again in full:
// the rows appended since, or, when the file was replaced or shrank
// since pos (a rewrite by `kxrun lb`, `archive`, ...) or pos is zero,
// every row, with reset set. A torn last row (an append in progress) is
// left for the next call. Warnings say what was skipped.
func (t *Tracker) RowsSince(pos CSVPos) (rows []Row, next CSVPos, reset bool, warnings []string, err error) {
	// Most calls find nothing new: a stat says so without taking the
	// lock, which a sweep's commits would wait for.
	if fi, err := os.Stat(t.CSVPath()); err == nil && pos.info != nil && os.SameFile(fi, pos.info) && fi.Size() == pos.off {
		return nil, pos, false, nil, nil
	}
	l, err := acquireShared(t.path(lockName))
	if err != nil {
		return nil, pos, false, nil, err
	}
	defer l.release()
	path := t.CSVPath()
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, CSVPos{}, pos.info != nil, nil, nil
	}
	if err != nil {
		return nil, pos, false, nil, err
	}
	same := pos.info != nil && pos.header != nil && os.SameFile(fi, pos.info) && fi.Size() >= pos.off
	if same && fi.Size() == pos.off {
		return nil, pos, false, nil, nil
	}
	if same {
		data, err := readFrom(path, pos.off)
		if err != nil {
			return nil, pos, false, nil, err
		}
		p, err := parseBody(data, pos.header, path, 0)
		if err != nil {
			return nil, pos, false, p.warnings, err
		}
		next = CSVPos{info: fi, header: pos.header, off: pos.off + p.goodEnd}
		if len(p.rows) == 0 && !p.torn && len(data) > 0 {
			next.off = pos.off + int64(len(data)) // blank lines only
		}
		return p.rows, next, false, p.warnings, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, pos, false, nil, err
	}
	p, err := parseCSV(data, path)
	if err != nil {
		return nil, pos, false, p.warnings, fmt.Errorf("read %s: %w", path, err)
	}
	end := p.goodEnd
	if p.header == nil {
		end = 0 // no header yet: read from the start next time
	}
	return p.rows, CSVPos{info: fi, header: p.header, off: end}, true, p.warnings, nil
}

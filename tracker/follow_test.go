package tracker

import (
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func rowIDs(rows []Row) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.RunID)
	}
	return out
}

func TestRowsSince(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	rows, pos, reset, _, err := tr.RowsSince(CSVPos{})
	if err != nil || len(rows) != 0 || !reset {
		t.Fatalf("empty tracker: %v %v %v", rows, reset, err)
	}
	for i := range 3 {
		if _, err := tr.Commit(sampleRecord(fmt.Sprint("a", i), 0.5), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	rows, pos, reset, _, err = tr.RowsSince(pos)
	if err != nil || reset {
		t.Fatalf("append read as a reset: %v %v", reset, err)
	}
	if d := cmp.Diff([]string{"run_001", "run_002", "run_003"}, rowIDs(rows)); d != "" {
		t.Error(d)
	}
	// Nothing new: nothing read.
	if rows, next, _, _, _ := tr.RowsSince(pos); len(rows) != 0 || next.Offset() != pos.Offset() {
		t.Errorf("read %d rows with nothing appended", len(rows))
	}
	// An append in progress (a torn last row) is left for later.
	f, _ := os.OpenFile(tr.CSVPath(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("run_004,2026-11-25T10:00:00Z,half")
	f.Close()
	rows, pos2, _, warnings, err := tr.RowsSince(pos)
	if err != nil || len(rows) != 0 || pos2.Offset() != pos.Offset() || len(warnings) != 1 {
		t.Errorf("torn row: %d rows, offset %d (was %d), warnings %q, %v", len(rows), pos2.Offset(), pos.Offset(), warnings, err)
	}
	// The next commit cuts it off and appends its own row.
	if _, err := tr.Commit(sampleRecord("b", 0.6), Files{}); err != nil {
		t.Fatal(err)
	}
	rows, pos, reset, _, err = tr.RowsSince(pos)
	if err != nil {
		t.Fatal(err)
	}
	if reset || len(rows) != 1 || rows[0].Name != "b" {
		t.Errorf("after the repair: reset %v, rows %q", reset, rowIDs(rows))
	}
	// A rewrite (kxrun lb) replaces the file: everything is read again.
	if _, err := tr.SetLB("run_002", fp(0.7)); err != nil {
		t.Fatal(err)
	}
	rows, pos, reset, _, err = tr.RowsSince(pos)
	if err != nil || !reset || len(rows) != 4 || rows[1].LBScore == nil || *rows[1].LBScore != 0.7 {
		t.Fatalf("after a rewrite: reset %v, %d rows, %v", reset, len(rows), err)
	}
	// A file shrunk in place is read again too.
	data, _ := os.ReadFile(tr.CSVPath())
	os.WriteFile(tr.CSVPath()+".x", data, 0o644)
	f, _ = os.OpenFile(tr.CSVPath(), os.O_WRONLY|os.O_TRUNC, 0)
	f.Write(data[:len(data)/2])
	f.Close()
	if _, _, reset, _, _ := tr.RowsSince(pos); !reset {
		t.Error("a truncated file was not read again")
	}
}

func TestSetNotes(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	tr.Commit(sampleRecord("a", 0.5), Files{})
	note := "two\nlines, \"quoted\" <script>"
	row, err := tr.SetNotes("a", note)
	if err != nil || row.Notes != note {
		t.Fatalf("%v %q", err, row.Notes)
	}
	rows, _, _ := tr.Runs()
	rec, _ := tr.Details("run_001")
	if rows[0].Notes != note || rec.Notes != note {
		t.Errorf("runs.csv %q, details %q", rows[0].Notes, rec.Notes)
	}
	if _, err := tr.SetNotes("nope", "x"); err == nil {
		t.Error("an unknown run got notes")
	}
}

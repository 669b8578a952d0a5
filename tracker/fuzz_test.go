package tracker

import (
	"strings"
	"testing"
)

// FuzzParseCSV checks that no runs.csv, however damaged, makes the reader
// panic, that the end of the good part it reports lies inside the data (a
// repair truncates there), and that what it reads back from rows it wrote
// is what it wrote.
func FuzzParseCSV(f *testing.F) {
	header := strings.Join(Columns, ",") + "\n"
	f.Add([]byte(header+"run_001,2026-01-01T00:00:00Z,a,p,all,1,0.5,0.0,[0.5],,,1,model,auc,maximize,h,ok,1.0,,,,run,fp\n"), "notes", "reason")
	f.Add([]byte(header+"run_001,d,\"torn"), "a,b", "\"q\"")
	f.Add([]byte("run_id,status\nrun_x,ok\n12,ok\n"), "", "")
	f.Fuzz(func(t *testing.T, data []byte, notes, reason string) {
		p, err := parseCSV(data, "runs.csv")
		if err == nil && (p.goodEnd < 0 || p.goodEnd > int64(len(data))) {
			t.Fatalf("good part ends at %d of %d bytes", p.goodEnd, len(data))
		}
		if strings.ContainsRune(notes+reason, '\r') {
			return // encoding/csv reads "\r\n" inside a field back as "\n"
		}
		rec := sampleRecord("r", 0.5)
		rec.Notes, rec.Reason, rec.Number, rec.RunID = notes, reason, 7, FormatID(7)
		back, err := parseCSV(encodeRows([]Row{RowOf(rec)}, Columns, true), "runs.csv")
		if err != nil || len(back.rows) != 1 || len(back.warnings) > 0 {
			t.Fatalf("a row it wrote reads back as %d rows, %v, %v", len(back.rows), back.warnings, err)
		}
		if back.rows[0].Notes != notes || back.rows[0].Reason != reason {
			t.Fatalf("notes %q and reason %q read back as %q and %q", notes, reason, back.rows[0].Notes, back.rows[0].Reason)
		}
	})
}

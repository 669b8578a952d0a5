package tracker

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func commitN(t *testing.T, tr *Tracker, names ...string) {
	t.Helper()
	for i, name := range names {
		if _, err := tr.Commit(sampleRecord(name, 0.5+float64(i)/100), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Flush(); err != nil { // as a process that ends does
		t.Fatal(err)
	}
}

func TestSetLBKeepsConcurrentAppends(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	commitN(t, tr, "a", "b", "c")
	// Another process appends 300 runs while this one records LB scores.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", fmt.Sprintf("KXRUN_TEST_APPEND=%s:%d", dir, 300))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scores := []float64{0, 0.71, 0.72}
	for round := range 30 {
		for i, ref := range []string{"run_001", "2", "c"} {
			s := scores[i] + float64(round)/1000
			if _, err := tr.SetLB(ref, &s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	rows, warnings, err := tr.Runs()
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	if len(rows) != 303 {
		t.Fatalf("%d rows, want 303: an append was lost", len(rows))
	}
	for i := range 3 {
		want := scores[i] + 29.0/1000
		if rows[i].LBScore == nil || *rows[i].LBScore != want {
			t.Errorf("%s: lb %v, want %v", rows[i].RunID, rows[i].LBScore, want)
		}
		if g := *rows[i].CVScore - want; *rows[i].CVLBGap != g {
			t.Errorf("%s: gap %v, want %v", rows[i].RunID, *rows[i].CVLBGap, g)
		}
	}
	rec, _ := tr.Details("run_001")
	if rec.LBScore == nil || *rec.LBScore != 0.029 {
		t.Errorf("details lb %v", rec.LBScore)
	}
	// A 0.0 score is a score.
	zero := 0.0
	row, err := tr.SetLB("run_002", &zero)
	if err != nil || row.LBScore == nil || *row.LBScore != 0 {
		t.Errorf("lb 0.0: %v %v", row.LBScore, err)
	}
	// New appends still work after the rewrite (new file, same lock).
	commitN(t, tr, "after")
	if rows, _, _ := tr.Runs(); len(rows) != 304 || rows[303].RunID != "run_304" {
		t.Errorf("append after rewrite: %d rows", len(rows))
	}
}

func TestFindRuns(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	commitN(t, tr, "lgb_base", "lgb_family", "lgb_family", "xgb_title")
	rows, _, _ := tr.Runs()
	for ref, want := range map[string]string{"run_002": "run_002", "2": "run_002", "run_2": "run_002", "lgb_base": "run_001", "xgb_title": "run_004"} {
		i, err := Find(rows, ref)
		if err != nil || rows[i].RunID != want {
			t.Errorf("Find(%q) = %v, %v; want %s", ref, i, err, want)
		}
	}
	_, err := Find(rows, "lgb_family")
	var amb *AmbiguousRunError
	if !errors.As(err, &amb) || len(amb.IDs) != 2 {
		t.Errorf("ambiguous name: %v", err)
	}
	_, err = Find(rows, "lgb_famly")
	var unk *UnknownRunError
	if !errors.As(err, &unk) || len(unk.Closest) == 0 || unk.Closest[0] != "lgb_family" {
		t.Errorf("unknown name: %v", err)
	}
	if _, err = Find(rows, "run_099"); !errors.As(err, &unk) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestArchiveAndBaseline(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	commitN(t, tr, "a", "b", "c")
	if _, err := tr.SetArchived([]string{"a", "run_003"}, true); err != nil {
		t.Fatal(err)
	}
	rows, _, _ := tr.Runs()
	got := []bool{rows[0].Archived, rows[1].Archived, rows[2].Archived}
	if diff := cmp.Diff([]bool{true, false, true}, got); diff != "" {
		t.Errorf("archived (-want +got):\n%s", diff)
	}
	if _, err := tr.SetArchived([]string{"3"}, false); err != nil {
		t.Fatal(err)
	}
	if rows, _, _ = tr.Runs(); rows[2].Archived {
		t.Error("unarchive failed")
	}
	if _, err := tr.SetArchived([]string{"zzz"}, true); err == nil {
		t.Error("archiving an unknown run must fail")
	}

	// Without a baseline set, the first ok run is the baseline.
	nb, err := tr.Commit(sampleRecord("d", 0.9), Files{})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Previous == nil || nb.Previous.RunID != "run_003" || nb.Baseline == nil || nb.Baseline.RunID != "run_001" {
		t.Errorf("neighbours %+v", nb)
	}
	// A baseline set by another process (another Tracker value) is seen.
	if _, err := mustOpen(t, dir).SetBaseline("b"); err != nil {
		t.Fatal(err)
	}
	nb, err = tr.Commit(sampleRecord("e", 0.9), Files{})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Previous.RunID != "run_004" || nb.Baseline == nil || nb.Baseline.RunID != "run_002" {
		t.Errorf("neighbours after baseline: prev %v base %v", nb.Previous, nb.Baseline)
	}
}

func TestRowRoundTrip(t *testing.T) {
	rec := sampleRecord("x", 0.25)
	rec.RunID, rec.Number, rec.Fingerprint, rec.Notes = "run_007", 7, "abc", "n"
	row := RowOf(rec)
	row.Archived = true
	fields := make([]string, len(Columns))
	pos := positions(Columns)
	row.encodeInto(fields, pos)
	got, err := decodeRow(fields, pos)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(row, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// TestColumnsMatchRow checks each column's kind against the type of the
// Row field at its offset: a column added with the wrong kind would read
// and write the wrong memory.
func TestColumnsMatchRow(t *testing.T) {
	want := map[columnKind]reflect.Type{
		kString: reflect.TypeFor[string](), kRunID: reflect.TypeFor[string](),
		kOptFloat: reflect.TypeFor[*float64](), kLaxFloat: reflect.TypeFor[float64](),
		kOptInt: reflect.TypeFor[*int64](), kInt: reflect.TypeFor[int](),
		kFloats: reflect.TypeFor[[]float64](), kBool: reflect.TypeFor[bool](),
	}
	byOffset := map[uintptr]reflect.StructField{}
	rt := reflect.TypeFor[Row]()
	for i := range rt.NumField() {
		byOffset[rt.Field(i).Offset] = rt.Field(i)
	}
	seen := map[string]bool{}
	for _, c := range columns {
		f, ok := byOffset[c.off]
		if !ok || f.Type != want[c.kind] {
			t.Errorf("column %s: field %s of type %v, kind wants %v", c.name, f.Name, f.Type, want[c.kind])
		}
		if seen[c.name] {
			t.Errorf("column %s listed twice", c.name)
		}
		seen[c.name] = true
	}
}

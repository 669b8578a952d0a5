package submit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/tracker"
)

func f(v float64) *float64 { return &v }

func TestParseListing(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Entry
	}{
		{"current CLI", "ref,fileName,date,description,status,publicScore,privateScore\n" +
			"7,a.csv,2026-01-01,kxrun:run_001 x,SubmissionStatus.COMPLETE,0.5,0.25\n" +
			"6,b.csv,2026-01-01,,SubmissionStatus.PENDING,None,None\n" +
			"5,c.csv,2026-01-01,d,SubmissionStatus.ERROR,,\n",
			[]Entry{
				{Ref: "7", FileName: "a.csv", Date: "2026-01-01", Description: "kxrun:run_001 x", Status: "complete", Public: f(0.5), Private: f(0.25)},
				{Ref: "6", FileName: "b.csv", Date: "2026-01-01", Status: "pending"},
				{Ref: "5", FileName: "c.csv", Date: "2026-01-01", Description: "d", Status: "error"},
			}},
		{"older CLI without ref, after a notice", "Warning: a newer version\nfileName,date,description,status,publicScore,privateScore\na.csv,d,m,complete,0.75,\n",
			[]Entry{{FileName: "a.csv", Date: "d", Description: "m", Status: "complete", Public: f(0.75)}}},
		{"none", "No submissions found\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseListing([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
	for _, bad := range []string{"", "a,b,c\n1,2,3\n", "fileName,publicScore\nx,1\n"} {
		if _, err := ParseListing([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestRunToken(t *testing.T) {
	for in, want := range map[string]string{
		"kxrun:run_012 lgb": "run_012", "blend kxrun:run_3": "run_3", "xkxrun:run_1": "", "kxrun:run_x": "", "": "",
	} {
		if got := RunToken(in); got != want {
			t.Errorf("RunToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one.csv", "1")
	same := write("same.csv", "s")
	changed := write("changed.csv", "new")
	refs := []tracker.SubmissionRef{
		{RunID: "run_001", Path: one, SHA256: shaHex([]byte("1"))},
		{RunID: "run_002", Path: same, SHA256: shaHex([]byte("s"))},
		{RunID: "run_003", Path: same, SHA256: shaHex([]byte("s"))},
		{RunID: "run_004", Path: changed, SHA256: shaHex([]byte("old"))},
	}
	known := map[string]bool{"run_001": true, "run_002": true, "run_003": true, "run_004": true}
	entries := []Entry{
		{FileName: "one.csv", Status: "complete", Public: f(1)},
		{FileName: "same.csv", Status: "complete", Public: f(2)},
		{FileName: "changed.csv", Status: "complete", Public: f(3)},
		{FileName: "x.csv", Description: "kxrun:run_004", Status: "complete", Private: f(4)},
		{FileName: "y.csv", Description: "kxrun:run_009", Status: "complete", Public: f(5)},
		{FileName: "z.csv", Description: "kxrun:run_002", Status: "pending"},
	}
	m := Match(entries, known, refs, func(p string) string { return p })
	want := []tracker.LBUpdate{
		{RunID: "run_001", SHA256: shaHex([]byte("1")), FileName: "one.csv", Status: "complete", Public: f(1)},
		{RunID: "run_004", FileName: "x.csv", Status: "complete", Private: f(4)},
	}
	if diff := cmp.Diff(want, m.Updates); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	if len(m.Waiting) != 1 || m.Waiting[0].FileName != "z.csv" {
		t.Errorf("waiting %+v", m.Waiting)
	}
	var why []string
	for _, u := range m.Unmatched {
		why = append(why, u.FileName+": "+u.Why)
	}
	joined := strings.Join(why, "\n")
	for _, s := range []string{"same.csv: no kxrun:<run_id> in its description, and runs", "changed.csv: no kxrun", "y.csv: its description names run_009"} {
		if !strings.Contains(joined, s) {
			t.Errorf("unmatched do not say %q:\n%s", s, joined)
		}
	}
}

func TestBuild(t *testing.T) {
	data, rows, err := Build(strings.NewReader("id,a,b\n7,0,0\n8,0,0\n"), []float64{0.1, 0.30000000000000004, 1e-300, 1}, 2, 1)
	if err != nil || rows != 2 {
		t.Fatal(rows, err)
	}
	if diff := cmp.Diff("id,a,b\n7,0.1,0.30000000000000004\n8,1e-300,1\n", string(data)); diff != "" {
		t.Error(diff)
	}
	if _, _, err := Build(strings.NewReader("id,a\n7,0\n"), []float64{1, 2}, 1, 1); err == nil {
		t.Error("a row-count mismatch was accepted")
	}
	if _, _, err := Build(strings.NewReader("id,a,b\n7,0,0\n"), []float64{1}, 1, 1); err == nil {
		t.Error("a column-count mismatch was accepted")
	}
}

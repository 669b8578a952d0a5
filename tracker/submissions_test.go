package tracker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tracker written before runs.csv had private_lb keeps working: it is
// read, appended to in its own layout, and upgraded by the rewrite that
// records a private score.
func TestPrivateLBOnAnOldTracker(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	for _, name := range []string{"a", "b"} {
		if _, err := tr.Commit(sampleRecord(name, 0.5), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(tr.CSVPath())
	if err != nil {
		t.Fatal(err)
	}
	var old []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		i := strings.LastIndexByte(strings.TrimSuffix(line, "\n"), ',')
		old = append(old, line[:i]+"\n")
	}
	if want := strings.Join(Columns[:len(Columns)-1], ",") + "\n"; old[0] != want || Columns[len(Columns)-1] != "private_lb" {
		t.Fatalf("header %q, want %q", old[0], want)
	}
	if err := os.WriteFile(tr.CSVPath(), []byte(strings.Join(old, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Commit(sampleRecord("c", 0.6), Files{}); err != nil {
		t.Fatal(err)
	}
	// The first append upgrades the old layout once: private_lb is added
	// at the end, empty for the rows logged before it existed.
	data, _ = os.ReadFile(tr.CSVPath())
	if !strings.HasPrefix(string(data), strings.Join(Columns, ",")+"\n") {
		t.Errorf("the append did not upgrade the header: %q", strings.SplitN(string(data), "\n", 2)[0])
	}
	rows, warnings, err := tr.Runs()
	if err != nil || len(rows) != 3 || len(warnings) > 0 {
		t.Fatalf("%d rows, %v, %v", len(rows), warnings, err)
	}
	pub, priv := 0.7, 0.65
	if _, err := tr.SetLeaderboard([]LBUpdate{{RunID: "run_002", Public: &pub, Private: &priv}}); err != nil {
		t.Fatal(err)
	}
	rows, _, err = tr.Runs()
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[1]; r.LBScore == nil || *r.LBScore != pub || r.PrivateLB == nil || *r.PrivateLB != priv || *r.CVLBGap != 0.5-pub {
		t.Errorf("run_002: lb %v private %v gap %v", r.LBScore, r.PrivateLB, r.CVLBGap)
	}
	rec, err := tr.Details("run_002")
	if err != nil || rec.PrivateLB == nil || *rec.PrivateLB != priv {
		t.Errorf("details: %v %v", rec, err)
	}
}

func TestSubmissionIndex(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	for _, name := range []string{"a", "b"} {
		if _, err := tr.Commit(sampleRecord(name, 0.5), Files{}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := tr.SaveSubmission("run_001", "", []byte("id,p\n1,0.5\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "mine.csv")
	b, err := tr.SaveSubmission("run_002", out, []byte("id,p\n1,0.25\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Path != filepath.Join("submissions", "run_001.csv") || b.Path != out {
		t.Errorf("paths %s, %s", a.Path, b.Path)
	}
	for _, s := range []Submission{a, b} {
		refs, err := tr.FindSubmission(s.SHA256)
		if err != nil || len(refs) != 1 {
			t.Errorf("%s: %v %v", s.Path, refs, err)
		}
	}
	// Writing the same file again replaces its entry in the details.
	if _, err := tr.SaveSubmission("run_001", "", []byte("id,p\n1,0.75\n"), 1); err != nil {
		t.Fatal(err)
	}
	rec, err := tr.Details("run_001")
	if err != nil || len(rec.Submissions) != 1 || rec.Submissions[0].SHA256 == a.SHA256 {
		t.Errorf("details: %+v %v", rec.Submissions, err)
	}
}

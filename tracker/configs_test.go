package tracker

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A run's config is kept as configs/<run name>.yaml; the same run made
// again shares the file, a run of that name with another config gets one
// named after its id, and the record says which.
func TestConfigFiles(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	commit := func(name, cfg string) *Record {
		t.Helper()
		rec := sampleRecord(name, 0.5)
		if _, err := tr.Commit(rec, Files{Config: []byte(cfg)}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a := commit("p_all_s1", "seeds: [1]\n")
	again := commit("p_all_s1", "seeds: [1]\n")
	other := commit("p_all_s1", "seeds: [1]\nparams: {lr: 2}\n")
	manual := sampleRecord("manual", 0.5)
	if _, err := tr.Commit(manual, Files{}); err != nil || manual.Config != "" {
		t.Fatalf("a run without a config got %q (%v)", manual.Config, err)
	}
	want := []string{"configs/p_all_s1.yaml", "configs/p_all_s1.yaml", "configs/p_all_s1.run_003.yaml"}
	got := []string{a.Config, again.Config, other.Config}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config paths (-want +got):\n%s", diff)
	}
	for i, rec := range []*Record{a, again, other} {
		data, err := os.ReadFile(tr.ConfigPath(rec))
		if err != nil {
			t.Fatal(err)
		}
		wantCfg := []string{"seeds: [1]\n", "seeds: [1]\n", "seeds: [1]\nparams: {lr: 2}\n"}[i]
		if string(data) != wantCfg {
			t.Errorf("%s: config %q, want %q", rec.RunID, data, wantCfg)
		}
		stored, err := tr.Details(rec.RunID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Config != rec.Config {
			t.Errorf("%s: details say %q, record %q", rec.RunID, stored.Config, rec.Config)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "configs"))
	if len(entries) != 2 {
		t.Errorf("configs/ holds %d files, want 2", len(entries))
	}
}

// The techniques column is written in new trackers and read back; a
// tracker whose header predates it gains it at the end, once, and keeps
// the rest of its header.
func TestTechniquesColumn(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	rec := sampleRecord("x", 0.5)
	rec.Techniques = []string{"target_enc", "pseudo"}
	if _, err := tr.Commit(rec, Files{}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := tr.Runs()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Techniques != "target_enc,pseudo" {
		t.Errorf("techniques %q", rows[0].Techniques)
	}
	data, _ := os.ReadFile(tr.CSVPath())
	header, _, _ := strings.Cut(string(data), "\n")
	if !strings.Contains(header, ",fingerprint,techniques") {
		t.Errorf("header %q does not end with the techniques column", header)
	}
	details, _ := os.ReadFile(filepath.Join(dir, "details", "run_001.json"))
	var back Record
	if err := json.Unmarshal(details, &back); err != nil || !cmp.Equal(back.Techniques, rec.Techniques) {
		t.Errorf("details techniques %v (%v)", back.Techniques, err)
	}

	old := t.TempDir()
	oldHeader := strings.Replace(header, ",techniques", "", 1)
	if err := os.WriteFile(filepath.Join(old, "runs.csv"), []byte(oldHeader+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	otr := mustOpen(t, old)
	if _, err := otr.Commit(rec, Files{}); err != nil {
		t.Fatal(err)
	}
	rows, warns, err := otr.Runs()
	if err != nil || len(rows) != 1 || len(warns) > 0 || rows[0].Techniques != "target_enc,pseudo" {
		t.Fatalf("old tracker: %d rows, warnings %v, error %v", len(rows), warns, err)
	}
	data, _ = os.ReadFile(otr.CSVPath())
	if h, _, _ := strings.Cut(string(data), "\n"); h != oldHeader+",techniques" {
		t.Errorf("old header became %q, want the techniques column added at the end", h)
	}
}

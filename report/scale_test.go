package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/tracker"
)

func TestFixed5MatchesFmt(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 0.812345, -0.000004, 0.000005, -0.000005, 1e300, -1e-300,
		123456.789, math.Inf(1), math.Inf(-1), math.NaN(), 0.999995, -2.5e-6} {
		if got, want := string(appendFixed5(nil, f, false)), fmt.Sprintf("%.5f", f); got != want {
			t.Errorf("%v: %q, fmt %q", f, got, want)
		}
		if got, want := string(appendFixed5([]byte("x"), f, true)), "x"+fmt.Sprintf("%+.5f", f); got != want {
			t.Errorf("%v with sign: %q, fmt %q", f, got, want)
		}
	}
}

// history is the runs.csv of a long competition: sweeps with failures,
// manual logs, a leaderboard score for 3% of the runs, CV creeping up.
func history(n int) []tracker.Row {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := make([]tracker.Row, n)
	for i := range rows {
		num := i + 1
		cv := 0.78 + 0.03*(1-math.Exp(-float64(i)/30000)) + 0.004*rng.NormFloat64()
		r := tracker.Row{RunID: tracker.FormatID(num), Number: num, Date: "2026-11-20T10:00:00Z",
			Name: fmt.Sprintf("sweep%d_minus_family_s%d", i/24, 42+i%3), Plan: fmt.Sprintf("sweep%d", i/24),
			Variant: "-family", Seed: i64(int64(42 + i%3)), CVScore: f(cv), CVStd: f(0.004 * rng.Float64()),
			CVFolds: []float64{cv, cv, cv, cv, cv}, NFeatures: 8 + rng.IntN(50), ModelType: "lgb", Metric: "auc",
			Direction: "maximize", Status: "ok", Source: "ablation"}
		switch {
		case i%25 == 3:
			r.Status, r.Reason, r.CVScore, r.CVStd, r.CVFolds = "failed", "exit status 1: KeyError: 'title'", nil, nil, nil
		case i%33 == 0:
			lb := cv - 0.008 + 0.003*rng.NormFloat64()
			gap := cv - lb
			r.LBScore, r.CVLBGap = &lb, &gap
		}
		rows[i] = r
	}
	return rows
}

// BenchmarkReport100k is `kxrun report` on 100,000 runs once they are read:
// both summaries, the table, the markdown recap and its two figures.
func BenchmarkReport100k(b *testing.B) {
	rows := history(100_000)
	tr, err := tracker.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sum, err := SummarizeRuns(rows, "", RunsOptions{})
		if err != nil {
			b.Fatal(err)
		}
		all, err := SummarizeRuns(rows, "", RunsOptions{All: true, NoList: true})
		if err != nil {
			b.Fatal(err)
		}
		figures, _, err := RunsFigures(all, rows, tr, "summary")
		if err != nil {
			b.Fatal(err)
		}
		RunsMarkdown(all, now, figures)
		RunsTable(io.Discard, sum, Style{})
	}
}

// BenchmarkReportText100k is the same without the figures.
func BenchmarkReportText100k(b *testing.B) {
	rows := history(100_000)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sum, _ := SummarizeRuns(rows, "", RunsOptions{})
		all, _ := SummarizeRuns(rows, "", RunsOptions{All: true, NoList: true})
		RunsMarkdown(all, now, "")
		RunsTable(io.Discard, sum, Style{})
	}
}

// WriteRunsJSON must write what json.Encoder writes, byte for byte,
// whatever the strings and numbers.
func TestWriteRunsJSONIsEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	texts := []string{"", "plain", "a \"quoted\" <b> & c", "tab\there\nnew line\r", "\x00\x1f\x7f", "façade ✓",
		"\u2028\u2029", "bad \xff utf-8", "back\\slash", "emoji 🙂", "'single'"}
	nums := []float64{0, math.Copysign(0, -1), 0.81234, -1.5, 1e-7, 1e-6, 123456789.125, 1e20, 1e21, 5e-324, 0.1 + 0.2}
	pick := func() *float64 {
		if rng.IntN(4) == 0 {
			return nil
		}
		return f(nums[rng.IntN(len(nums))])
	}
	text := func() string { return texts[rng.IntN(len(texts))] }
	for round := range 50 {
		s, err := SummarizeRuns(history(20+round), "", RunsOptions{All: round%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Runs {
			r := &s.Runs[i]
			r.Name, r.Plan, r.Variant, r.Reason, r.Notes, r.ModelType = text(), text(), text(), text(), text(), text()
			r.CVScore, r.CVStd, r.LBScore, r.CVLBGap = pick(), pick(), pick(), pick()
			r.Archived = rng.IntN(3) == 0
			r.Techniques = nil
			for range rng.IntN(3) {
				r.Techniques = append(r.Techniques, text())
			}
			if rng.IntN(5) == 0 {
				r.Seed = nil
			}
		}
		s.Saved = []string{"reports/a <b>.md"}
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if err := WriteRunsJSON(&got, s); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Fatalf("round %d (-encoder +WriteRunsJSON):\n%s", round, diff)
		}
	}
	// A NaN is encoding/json's error.
	s, _ := SummarizeRuns(history(5), "", RunsOptions{})
	s.Runs[1].CVScore = f(math.NaN())
	if err := WriteRunsJSON(io.Discard, s); err == nil {
		t.Error("a NaN score was written")
	}
}

// BenchmarkRunsJSON100k is `kxrun report --json` on 100,000 runs.
func BenchmarkRunsJSON100k(b *testing.B) {
	s, _ := SummarizeRuns(history(100_000), "", RunsOptions{})
	for b.Loop() {
		if err := WriteRunsJSON(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

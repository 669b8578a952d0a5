package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/kxrun/kxrun/study"
)

func TestSeedsGolden(t *testing.T) {
	p := statsPlan(t, "[42, 123]")
	p.SeedStdWarn = 0.002
	seeds := []int64{42, 123, 76937, 61644, 78443}
	cv := []float64{0.8101, 0.8152, 0.8079, 0.8133, 0}
	var runs []*study.Finished
	for i, seed := range seeds {
		if cv[i] == 0 {
			runs = append(runs, finishedRun(i+1, p, "all", seed))
			continue
		}
		runs = append(runs, finishedRun(i+1, p, "all", seed, cv[i]-0.01, cv[i], cv[i]+0.01))
	}
	runs[0].Cached = true
	sum := study.SummarizeSeeds(p, "all", seeds, runs, 0)
	sum.Started = time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)
	sum.DurationS = 95
	sum.Plot = &study.PlotFiles{PNG: "/x/reports/2026-11-25_groups_seeds.png", SVG: "/x/reports/2026-11-25_groups_seeds.svg"}
	var b bytes.Buffer
	SeedsTable(&b, sum)
	golden(t, "seeds.txt.golden", b.Bytes())
	golden(t, "seeds.md.golden", SeedsMarkdown(sum))
}

// TestSeedsTooFew: one ok seed has a mean but no spread, and no figure.
func TestSeedsTooFew(t *testing.T) {
	p := statsPlan(t, "[1, 2]")
	runs := []*study.Finished{finishedRun(1, p, "all", 1, 0.8, 0.81), finishedRun(2, p, "all", 2)}
	sum := study.SummarizeSeeds(p, "all", []int64{1, 2}, runs, 0)
	sum.PlotNote = "1 seed(s) have a score; 2 are needed to show a spread"
	var b bytes.Buffer
	SeedsTable(&b, sum)
	for _, want := range []string{"mean of the CV means   0.80500", "Only one seed finished ok", "1 run(s) did not succeed"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("table lacks %q:\n%s", want, b.Bytes())
		}
	}
	if md := SeedsMarkdown(sum); !bytes.Contains(md, []byte("No figure: 1 seed(s) have a score; 2 are needed to show a spread.")) {
		t.Errorf("markdown does not say why there is no figure:\n%s", md)
	}
	if sum.Std != nil || sum.SeedsNeeded != nil {
		t.Errorf("std %v, seeds needed %v: want none from one seed", sum.Std, sum.SeedsNeeded)
	}
}

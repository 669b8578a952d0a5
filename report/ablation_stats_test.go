package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// finishedRun is an ok run (or a failed one when folds is nil).
func finishedRun(id int, p *plan.Plan, variant string, seed int64, folds ...float64) *study.Finished {
	s := seed
	rec := &tracker.Record{RunID: tracker.FormatID(id), Name: p.Name + "_" + variant, Variant: variant, Seed: &s,
		Status: "ok", CVScores: folds, DurationS: 1.5}
	if folds == nil {
		rec.Status, rec.Reason = "failed", "exit status 1: KeyError: 'title'"
		return &study.Finished{Record: rec}
	}
	var sum float64
	for _, f := range folds {
		sum += f
	}
	mean, std := sum/float64(len(folds)), 0.004
	rec.CVScore, rec.CVStd = &mean, &std
	return &study.Finished{Record: rec}
}

func statsPlan(t *testing.T, seeds string) *plan.Plan {
	t.Helper()
	p, err := plan.Parse("plans/groups.yaml", []byte(`
name: groups
metric: auc
command: [x]
seeds: `+seeds+`
base_features: [age]
feature_groups:
  family: [sibsp]
  title: [title]
  ticket: [ticket]
`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// statsSummary is an ablation where family helps, title is redundant
// (helps alone, nothing in all), ticket is noise, and one run failed.
func statsSummary(t *testing.T) *study.AblationSummary {
	p := statsPlan(t, "[1, 2, 3]")
	cv := map[string][3]float64{
		"all":     {0.8100, 0.8150, 0.8080},
		"-family": {0.7800, 0.7870, 0.7790},
		"-title":  {0.8110, 0.8140, 0.8085},
		"-ticket": {0.8095, 0.8160, 0.8070},
		"base":    {0.7500, 0.7540, 0.7490},
		"+family": {0.7820, 0.7880, 0.7810},
		"+title":  {0.7600, 0.7650, 0.7580},
		"+ticket": {0.7510, 0.7530, 0.7500},
	}
	var runs []*study.Finished
	id := 0
	for _, v := range p.Variants() {
		for i, seed := range p.Seeds {
			id++
			if v.Name == "+ticket" && seed == 3 {
				runs = append(runs, finishedRun(id, p, v.Name, seed))
				continue
			}
			c := cv[v.Name][i]
			runs = append(runs, finishedRun(id, p, v.Name, seed, c-0.004, c, c+0.004))
		}
	}
	sum := study.Summarize(p, runs)
	sum.Started = time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)
	sum.DurationS = 3725
	sum.Plot = &study.PlotFiles{PNG: "/x/experiments/reports/2026-11-25_groups_ablation.png", SVG: "/x/experiments/reports/2026-11-25_groups_ablation.svg"}
	return sum
}

func TestAblationWithStatsGolden(t *testing.T) {
	sum := statsSummary(t)
	var b bytes.Buffer
	AblationTable(&b, sum)
	golden(t, "ablation_stats.txt.golden", b.Bytes())
	golden(t, "ablation_stats.md.golden", AblationMarkdown(sum))
}

// TestAblationOneSeedGolden: one seed, so fold-by-fold tests, and a
// figure that could not be drawn.
func TestAblationOneSeedGolden(t *testing.T) {
	p := statsPlan(t, "[7]")
	folds := map[string][]float64{
		"all":     {0.81, 0.82, 0.80, 0.83, 0.815},
		"-family": {0.78, 0.79, 0.775, 0.80, 0.785},
		"-title":  {0.805, 0.822, 0.801, 0.826, 0.817},
		"-ticket": {0.81, 0.82, 0.80, 0.83},
		"base":    {0.75, 0.76, 0.74, 0.77, 0.755},
		"+family": {0.78, 0.792, 0.771, 0.80, 0.786},
		"+title":  {0.752, 0.759, 0.743, 0.772, 0.754},
		"+ticket": {0.75, 0.76, 0.74, 0.77, 0.755},
	}
	var runs []*study.Finished
	for i, v := range p.Variants() {
		runs = append(runs, finishedRun(i+1, p, v.Name, 7, folds[v.Name]...))
	}
	sum := study.Summarize(p, runs)
	sum.Started = time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)
	sum.DurationS = 12
	sum.PlotNote = "no gain could be measured"
	var b bytes.Buffer
	AblationTable(&b, sum)
	golden(t, "ablation_one_seed.txt.golden", b.Bytes())
	golden(t, "ablation_one_seed.md.golden", AblationMarkdown(sum))
}

package report

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/kxrun/kxrun/study"
)

// SeedsTable writes a seed study for the terminal: each seed's CV, then
// how much the seed moves the score and what to do about it.
func SeedsTable(w io.Writer, s *study.SeedSummary) {
	fmt.Fprintf(w, "\nSeed study of %s, variant %s (%s), seeds %s: %s\n", s.Plan, s.Variant, metricLabel(s.Metric, s.Direction), seedList(s.Seeds), counts(&s.SweepCounts))
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "seed\trun\tCV mean\tCV std over folds\tstatus")
	for _, r := range s.Runs {
		status := r.Status
		if r.Cached {
			status += " (cached)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Seed, r.RunID, score(r.CVMean), score(r.CVStd), status)
	}
	tw.Flush()
	writeTrimmed(w, tb.Bytes())
	fmt.Fprintln(w)
	for _, line := range append(seedFigures(s), adaptiveSeedLines(s)...) {
		fmt.Fprintln(w, line)
	}
	if s.Warning != "" {
		fmt.Fprintf(w, "\nwarning: %s\n", s.Warning)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(w, "\n%d run(s) did not succeed:\n", len(s.Failures))
		for _, f := range s.Failures {
			fmt.Fprintf(w, "  %s  %s  %s: %s\n", f.RunID, f.Name, f.Status, f.Reason)
		}
	}
}

// seedFigures are the summary lines, shared by the table and the markdown.
func seedFigures(s *study.SeedSummary) []string {
	if s.Mean == nil {
		return []string{"No seed finished ok: nothing to summarise."}
	}
	out := []string{fmt.Sprintf("mean of the CV means   %.5f", *s.Mean)}
	if s.Std == nil {
		return append(out, "Only one seed finished ok: the spread over seeds needs at least 2.")
	}
	out = append(out,
		fmt.Sprintf("std of the CV means    %.5f (sample std, ddof 1, over %d seeds)", *s.Std, s.OK),
		fmt.Sprintf("range                  %.5f (%.5f to %.5f)", *s.Range, *s.Min, *s.Max),
		fmt.Sprintf("standard error         %.5f (of the mean over these seeds: std/√%d)", *s.SE, s.OK),
		fmt.Sprintf("seeds needed           %d, for a standard error of a seed-averaged score under %.5f (%s)",
			*s.SeedsNeeded, s.TargetSE, targetOrigin(s)))
	return out
}

func targetOrigin(s *study.SeedSummary) string {
	if s.MinGain > 0 && s.TargetSE == s.MinGain/study.PowerFactor {
		from := "the plan's"
		switch s.MinGainFrom {
		case "default":
			from = "the default"
		case "plan":
		default:
			from = s.MinGainFrom + ", as the plan sets none:"
		}
		return fmt.Sprintf("%s min_gain %.6g / 2.8: a gain of min_gain detected with 80%% power at α = 0.05", from, s.MinGain)
	}
	return "--target-se"
}

// SeedsMarkdown is the seed study's report.
func SeedsMarkdown(s *study.SeedSummary) []byte {
	var b bytes.Buffer
	writeSweepHeader(&b, sweepHeader{title: fmt.Sprintf("Seed study of `%s`, variant `%s`", s.Plan, s.Variant),
		planFile: s.PlanFile, competition: s.Competition, metric: s.Metric, direction: s.Direction,
		started: s.Started, durationS: s.DurationS, seeds: s.Seeds, counts: &s.SweepCounts, interrupted: s.Interrupted})
	b.WriteString("\n## How much the seed moves the score\n\n")
	if s.Warning != "" {
		fmt.Fprintf(&b, "> **Warning**: %s.\n\n", s.Warning)
	}
	b.WriteString("```\n")
	for _, line := range append(seedFigures(s), adaptiveSeedLines(s)...) {
		b.WriteString(line + "\n")
	}
	b.WriteString("```\n")
	if s.Plot != nil {
		fmt.Fprintf(&b, "\n![CV score of each seed with the mean and a ±1 std band](%s)\n\n([SVG](%s))\n", mdLink(s.Plot.PNG), mdLink(s.Plot.SVG))
	} else if s.PlotNote != "" {
		fmt.Fprintf(&b, "\nNo figure: %s.\n", s.PlotNote)
	}
	b.WriteString("\n## Seeds\n\n| seed | run | CV mean | CV std over folds | folds | status |\n|---:|---|---:|---:|---:|---|\n")
	for _, r := range s.Runs {
		status := r.Status
		if r.Cached {
			status += " (cached)"
		}
		if r.Reason != "" {
			status += ": " + r.Reason
		}
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %d | %s |\n", r.Seed, r.RunID, score(r.CVMean), score(r.CVStd), r.Folds, status)
	}
	b.WriteString("\n## Failures\n\n")
	if len(s.Failures) == 0 {
		b.WriteString("None: every run that started finished ok.\n")
	}
	for _, f := range s.Failures {
		fmt.Fprintf(&b, "- `%s` `%s` (seed %d): %s — %s\n", f.RunID, f.Name, f.Seed, f.Status, f.Reason)
	}
	var total float64
	for _, f := range s.Finished {
		if f != nil {
			total += f.Record.DurationS
		}
	}
	fmt.Fprintf(&b, "\n## Time\n\nWall time %s; training time summed over runs %s.\n",
		time.Duration(s.DurationS*float64(time.Second)).Round(time.Millisecond),
		time.Duration(total*float64(time.Second)).Round(time.Millisecond))
	return b.Bytes()
}

package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kxrun/kxrun/study"
)

// share is a step's part of the total gain, as a percentage.
func share(f *float64) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%.0f%%", 100**f)
}

// pathLine is "base → +a → +a+b → all" with the component added at each
// arrow.
func pathLine(s *study.PathSummary) string {
	parts := []string{"base"}
	for _, st := range s.Steps {
		parts = append(parts, st.Added)
	}
	return strings.Join(parts, " → ")
}

// PathTable writes the path ablation for the terminal.
func PathTable(w io.Writer, s *study.PathSummary) {
	fmt.Fprintf(w, "\nPath ablation of %s (%s), seeds %s: %s\n", s.Plan, metricLabel(s.Metric, s.Direction), seedList(s.Seeds), counts(&s.SweepCounts))
	fmt.Fprintf(w, "Path: %s\n", pathLine(s))
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "step\tadded\tkind\tCV mean\tgain\t%s\tp\tverdict\tshare of total\n", ciLevelOf(s.Alpha)+" CI")
	fmt.Fprintf(tw, "0\t(base)\t\t%s\t\t\t\t\t\n", score(s.Base.CVMean))
	for _, st := range s.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.Step, st.Added, st.Kind, score(st.CVMean),
			gain(st.Gain), ci(st.VariantSummary), pValue(st.PValue), st.Verdict, share(st.Share))
	}
	tw.Flush()
	writeTrimmed(w, tb.Bytes())
	fmt.Fprintf(w, "\nTotal gain, all over base: %s\n", totalSentence(s))
	if !s.Complete && s.Stopped != "" {
		fmt.Fprintf(w, "The path stopped before all: %s.\n", s.Stopped)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(w, "\n%d run(s) did not succeed:\n", len(s.Failures))
		for _, f := range s.Failures {
			fmt.Fprintf(w, "  %s  %s  %s: %s\n", f.RunID, f.Name, f.Status, f.Reason)
		}
	}
}

func totalSentence(s *study.PathSummary) string {
	t := s.Total
	if t.Gain == nil {
		return "not measured (no seed where both base and all are ok)"
	}
	out := signed(*t.Gain)
	if c := ci(t); c != "" {
		out += fmt.Sprintf(" (%s CI %s, p %s, %s)", ciLevelOf(s.Alpha), c, pValue(t.PValue), t.Verdict)
	}
	return out
}

// ciLevelOf is the confidence level of intervals at alpha, e.g. "95%".
func ciLevelOf(alpha float64) string {
	if alpha <= 0 || alpha >= 1 {
		return "95%"
	}
	return fmt.Sprintf("%g%%", 100*(1-alpha))
}

// PathMarkdown is the report of a path ablation.
func PathMarkdown(s *study.PathSummary) []byte {
	var b bytes.Buffer
	writeSweepHeader(&b, sweepHeader{title: fmt.Sprintf("Path ablation of `%s`", s.Plan), planFile: s.PlanFile,
		competition: s.Competition, metric: s.Metric, direction: s.Direction, started: s.Started,
		durationS: s.DurationS, seeds: s.Seeds, counts: &s.SweepCounts, interrupted: s.Interrupted})
	level := ciLevelOf(s.Alpha)
	fmt.Fprintf(&b, "- Significance: α = %g (verdicts and %s confidence intervals)\n", s.Alpha, level)
	b.WriteString("\n## The path from `base` to `all`\n\n")
	b.WriteString("At each step every group or technique not on yet was turned on, one at a time, and the one with the largest mean gain over the step before (same seeds paired) was kept.\n\n")
	fmt.Fprintf(&b, "Path: %s\n\n", pathLine(s))
	fmt.Fprintf(&b, "| step | added | kind | variant | CV mean | gain | %s CI | p | verdict | test | share of total gain |\n", level)
	b.WriteString("|---:|---|---|---|---:|---:|---|---:|---|---|---:|\n")
	fmt.Fprintf(&b, "| 0 | | | `base` | %s | | | | | | |\n", score(s.Base.CVMean))
	for _, st := range s.Steps {
		fmt.Fprintf(&b, "| %d | %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", st.Step, st.Added, st.Kind, st.Variant,
			score(st.CVMean), gain(st.Gain), ci(st.VariantSummary), pValue(st.PValue), st.Verdict, testLong(st.VariantSummary), share(st.Share))
	}
	fmt.Fprintf(&b, "\nTotal gain of `all` over `base`: %s. Each step's share is its gain over that total.\n", totalSentence(s))
	if !s.Complete && s.Stopped != "" {
		fmt.Fprintf(&b, "\n**The path stopped before `all`**: %s.\n", s.Stopped)
	}
	b.WriteString("\n### Candidates at each step\n\n")
	for i, st := range s.Steps {
		parts := make([]string, len(st.Candidates))
		for j, c := range st.Candidates {
			g := "not measured"
			if c.Gain != nil {
				g = signed(*c.Gain)
			}
			parts[j] = fmt.Sprintf("%s (%s) %s", c.Component, c.Kind, g)
			if c.Chosen {
				parts[j] = "**" + parts[j] + "**"
			}
		}
		fmt.Fprintf(&b, "%d. %s\n", i+1, strings.Join(parts, ", "))
	}
	b.WriteString("\n## Failures\n\n")
	if len(s.Failures) == 0 {
		b.WriteString("None: every run that started finished ok.\n")
	}
	for _, f := range s.Failures {
		fmt.Fprintf(&b, "- `%s` `%s` (%s, seed %d): %s — %s\n", f.RunID, f.Name, f.Variant, f.Seed, f.Status, f.Reason)
	}
	return b.Bytes()
}

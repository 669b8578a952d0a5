package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kxrun/kxrun/study"
)

func score(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%.5f", *f)
}

func gain(f *float64) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%+.5f", *f)
}

func note(v study.VariantSummary) string {
	if v.SameAs != "" {
		return "same runs as " + v.SameAs
	}
	return ""
}

// AblationTable writes the ablation table for the terminal.
func AblationTable(w io.Writer, s *study.AblationSummary) {
	fmt.Fprintf(w, "\nAblation of %s (%s), seeds %s: %s\n", s.Plan, metricLabel(s), seedList(s.Seeds), counts(s))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "variant\tn_features\truns ok\tCV mean\tstd over seeds\tgain")
	notes := slices.ContainsFunc(s.Variants, func(v study.VariantSummary) bool { return v.SameAs != "" })
	if notes {
		fmt.Fprint(tw, "\tnote")
	}
	fmt.Fprintln(tw)
	for _, v := range s.Variants {
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%s\t%s\t%s", v.Variant, v.NFeatures, v.RunsOK, v.Runs,
			score(v.CVMean), score(v.CVStd), gain(v.Gain))
		if notes {
			fmt.Fprintf(tw, "\t%s", note(v))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if line := groupsByGain(s); line != "" {
		fmt.Fprintf(w, "\nGain is positive when a group helps (%s). %s\n", s.Direction, line)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(w, "\n%d run(s) did not succeed:\n", len(s.Failures))
		for _, f := range s.Failures {
			fmt.Fprintf(w, "  %s  %s  %s: %s\n", f.RunID, f.Name, f.Status, f.Reason)
		}
	}
}

// groupsByGain ranks groups by their leave-one-out gain.
func groupsByGain(s *study.AblationSummary) string {
	type g struct {
		name string
		gain float64
	}
	var gs []g
	for _, v := range s.Variants {
		if strings.HasPrefix(v.Variant, "-") && v.Gain != nil {
			gs = append(gs, g{v.Group, *v.Gain})
		}
	}
	if len(gs) == 0 {
		return ""
	}
	slices.SortStableFunc(gs, func(a, b g) int { return cmp.Compare(b.gain, a.gain) })
	parts := make([]string, len(gs))
	for i, x := range gs {
		parts[i] = fmt.Sprintf("%s %+.5f", x.name, x.gain)
	}
	return "Groups by leave-one-out gain: " + strings.Join(parts, ", ")
}

func metricLabel(s *study.AblationSummary) string {
	if s.Metric == "" {
		return s.Direction
	}
	return s.Metric + ", " + s.Direction
}

func counts(s *study.AblationSummary) string {
	parts := []string{fmt.Sprintf("%d runs", s.Total), fmt.Sprintf("%d ok", s.OK)}
	if s.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", s.Failed))
	}
	if s.Cancelled > 0 {
		parts = append(parts, fmt.Sprintf("%d cancelled", s.Cancelled))
	}
	if s.NotStarted > 0 {
		parts = append(parts, fmt.Sprintf("%d not started", s.NotStarted))
	}
	if s.Cached > 0 {
		parts = append(parts, fmt.Sprintf("%d reused from earlier sweeps", s.Cached))
	}
	return strings.Join(parts, ", ")
}

func seedList(seeds []int64) string {
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, ", ")
}

// AblationMarkdown is the summary a user reads after a sweep.
func AblationMarkdown(s *study.AblationSummary) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Ablation of `%s`\n\n", s.Plan)
	fmt.Fprintf(&b, "- Plan file: `%s`\n", s.PlanFile)
	if s.Competition != "" {
		fmt.Fprintf(&b, "- Competition: %s\n", s.Competition)
	}
	fmt.Fprintf(&b, "- Started: %s, took %s\n", s.Started.Format(time.RFC3339), time.Duration(s.DurationS*float64(time.Second)).Round(time.Second))
	fmt.Fprintf(&b, "- Metric: %s; seeds: %s\n", metricLabel(s), seedList(s.Seeds))
	fmt.Fprintf(&b, "- Runs: %s\n", counts(s))
	if s.Interrupted {
		b.WriteString("- **Interrupted**: the figures below cover only the runs that finished.\n")
	}
	b.WriteString("\n## What each feature group is worth\n\n")
	b.WriteString("Gain is measured against `all` for `-group` (leave one out) and against `base` for `+group` (add one), averaged over seeds, and is positive when the group helps.\n\n")
	b.WriteString("| variant | n_features | runs ok | CV mean | std over seeds | gain | note |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
	for _, v := range s.Variants {
		fmt.Fprintf(&b, "| `%s` | %d | %d/%d | %s | %s | %s | %s |\n", v.Variant, v.NFeatures, v.RunsOK, v.Runs,
			score(v.CVMean), score(v.CVStd), gain(v.Gain), note(v))
	}
	if line := groupsByGain(s); line != "" {
		fmt.Fprintf(&b, "\n%s.\n", line)
	}
	b.WriteString("\n## Failures\n\n")
	if len(s.Failures) == 0 {
		b.WriteString("None: every run that started finished ok.\n")
	}
	for _, f := range s.Failures {
		fmt.Fprintf(&b, "- `%s` `%s` (%s, seed %d): %s — %s\n", f.RunID, f.Name, f.Variant, f.Seed, f.Status, f.Reason)
	}
	writeBestRuns(&b, s)
	writeTime(&b, s)
	return b.Bytes()
}

func writeBestRuns(b *bytes.Buffer, s *study.AblationSummary) {
	type run struct {
		id, name string
		cv, std  float64
	}
	var ok []run
	for _, f := range s.Finished {
		if f != nil && f.Record.CVScore != nil {
			ok = append(ok, run{f.Record.RunID, f.Record.Name, *f.Record.CVScore, *f.Record.CVStd})
		}
	}
	if len(ok) == 0 {
		return
	}
	better := 1.0
	if s.Direction == "minimize" {
		better = -1
	}
	slices.SortStableFunc(ok, func(a, b run) int { return cmp.Compare(better*b.cv, better*a.cv) })
	b.WriteString("\n## Best runs\n\n| run | name | CV mean | CV std |\n|---|---|---:|---:|\n")
	for _, r := range ok[:min(5, len(ok))] {
		fmt.Fprintf(b, "| `%s` | `%s` | %.5f | %.5f |\n", r.id, r.name, r.cv, r.std)
	}
}

func writeTime(b *bytes.Buffer, s *study.AblationSummary) {
	var total float64
	var longest float64
	var longestName string
	for _, f := range s.Finished {
		if f == nil {
			continue
		}
		total += f.Record.DurationS
		if f.Record.DurationS > longest {
			longest, longestName = f.Record.DurationS, f.Record.Name
		}
	}
	fmt.Fprintf(b, "\n## Time\n\nWall time %s; training time summed over runs %s",
		time.Duration(s.DurationS*float64(time.Second)).Round(time.Millisecond),
		time.Duration(total*float64(time.Second)).Round(time.Millisecond))
	if longestName != "" {
		fmt.Fprintf(b, "; longest run `%s` (%s)", longestName, time.Duration(longest*float64(time.Second)).Round(time.Millisecond))
	}
	b.WriteString(".\n")
}

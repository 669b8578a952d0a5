package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path/filepath"
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
	return signed(*f)
}

// signed is a gain with 5 decimals and its sign, never "-0.00000".
func signed(f float64) string {
	s := fmt.Sprintf("%+.5f", f)
	if s == "-0.00000" {
		return "+0.00000"
	}
	return s
}

func note(v study.VariantSummary) string {
	if v.SameAs != "" {
		return "same runs as " + v.SameAs
	}
	return ""
}

// AblationTable writes the ablation table for the terminal.
func AblationTable(w io.Writer, s *study.AblationSummary) {
	fmt.Fprintf(w, "\nAblation of %s (%s), seeds %s: %s\n", s.Plan, metricLabel(s.Metric, s.Direction), seedList(s.Seeds), counts(&s.SweepCounts))
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	techs := hasTechniques(s)
	fmt.Fprint(tw, "variant\tn_features\t")
	if techs {
		fmt.Fprint(tw, "techniques\t")
	}
	fmt.Fprintf(tw, "runs ok\tCV mean\tstd over seeds\tgain\t%s\tp\tverdict\ttest", ciLabel(s))
	notes := slices.ContainsFunc(s.Variants, func(v study.VariantSummary) bool { return v.SameAs != "" })
	if notes {
		fmt.Fprint(tw, "\tnote")
	}
	fmt.Fprintln(tw)
	for _, v := range s.Variants {
		fmt.Fprintf(tw, "%s\t%d\t", v.Variant, v.NFeatures)
		if techs {
			fmt.Fprintf(tw, "%s\t", techniqueList(v.Techniques))
		}
		fmt.Fprintf(tw, "%d/%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", v.RunsOK, v.Runs,
			score(v.CVMean), score(v.CVStd), gain(v.Gain), ci(v), pValue(v.PValue), v.Verdict, testShort(v))
		if notes {
			fmt.Fprintf(tw, "\t%s", note(v))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	writeTrimmed(w, tb.Bytes())
	if line := groupsByGain(s); line != "" {
		fmt.Fprintf(w, "\nGain is positive when a %s helps (%s). %s\n", shortNoun(s), s.Direction, line)
	}
	if legend := testLegend(s); legend != "" {
		fmt.Fprintln(w, legend)
	}
	groupTable(w, s)
	adaptiveTable(w, s)
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
			gs = append(gs, g{cmp.Or(v.Group, v.Technique), *v.Gain})
		}
	}
	if len(gs) == 0 {
		return ""
	}
	slices.SortStableFunc(gs, func(a, b g) int { return cmp.Compare(b.gain, a.gain) })
	parts := make([]string, len(gs))
	for i, x := range gs {
		parts[i] = x.name + " " + signed(x.gain)
	}
	what := "Groups"
	if hasTechniques(s) {
		what = "Groups and techniques"
	}
	return what + " by leave-one-out gain: " + strings.Join(parts, ", ")
}

// metricLabel is "auc, maximize", or just the direction without a metric.
func metricLabel(metric, direction string) string {
	if metric == "" {
		return direction
	}
	return metric + ", " + direction
}

// sweepHeader is what every sweep report opens with.
type sweepHeader struct {
	title, planFile, competition, metric, direction string
	started                                         time.Time
	durationS                                       float64
	seeds                                           []int64
	counts                                          *study.SweepCounts
	interrupted                                     bool
}

func writeSweepHeader(b *bytes.Buffer, h sweepHeader) {
	fmt.Fprintf(b, "# %s\n\n", h.title)
	fmt.Fprintf(b, "- Plan file: `%s`\n", h.planFile)
	if h.competition != "" {
		fmt.Fprintf(b, "- Competition: %s\n", h.competition)
	}
	fmt.Fprintf(b, "- Started: %s, took %s\n", h.started.Format(time.RFC3339), time.Duration(h.durationS*float64(time.Second)).Round(time.Second))
	fmt.Fprintf(b, "- Metric: %s; seeds: %s\n", metricLabel(h.metric, h.direction), seedList(h.seeds))
	fmt.Fprintf(b, "- Runs: %s\n", counts(h.counts))
	if h.interrupted {
		b.WriteString("- **Partial**: the sweep was stopped before its end; this report covers only the runs that finished (the same command again finishes it, and writes the full report).\n")
	}
}

func counts(s *study.SweepCounts) string {
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
	writeSweepHeader(&b, sweepHeader{title: fmt.Sprintf("Ablation of `%s`", s.Plan), planFile: s.PlanFile,
		competition: s.Competition, metric: s.Metric, direction: s.Direction, started: s.Started,
		durationS: s.DurationS, seeds: s.Seeds, counts: &s.SweepCounts, interrupted: s.Interrupted})
	fmt.Fprintf(&b, "- Significance: α = %g (verdicts and %s confidence intervals); smallest gain that matters (`min_gain`): %g\n", s.Alpha, ciLevel(s), s.MinGain)
	if hasTechniques(s) {
		b.WriteString("\n## What each feature group and technique is worth\n\n")
		b.WriteString("Gain is measured against `all` (every group and technique on) for `-name` (leave one out) and against `base` (base features, no technique) for `+name` (add one), averaged over seeds, and is positive when the group or technique helps.\n\n")
	} else {
		b.WriteString("\n## What each feature group is worth\n\n")
		b.WriteString("Gain is measured against `all` for `-group` (leave one out) and against `base` for `+group` (add one), averaged over seeds, and is positive when the group helps.\n\n")
	}
	writeGroupVerdicts(&b, s)
	writeAdaptive(&b, s)
	if s.Plot != nil {
		fmt.Fprintf(&b, "\n![Gain of each %s, leave one out and add to base, with %s confidence intervals](%s)\n\n([SVG](%s))\n",
			componentNoun(s), ciLevel(s), mdLink(s.Plot.PNG), mdLink(s.Plot.SVG))
	} else if s.PlotNote != "" {
		fmt.Fprintf(&b, "\nNo figure: %s.\n", s.PlotNote)
	}
	writeInteractions(&b, s)
	b.WriteString("\n### Every variant\n\n")
	techs := hasTechniques(s)
	techHead, techRule := "", ""
	if techs {
		techHead, techRule = " techniques |", "---|"
	}
	fmt.Fprintf(&b, "| variant | n_features |%s runs ok | CV mean | std over seeds | gain | %s | p | verdict | test | note |\n", techHead, ciLabel(s))
	fmt.Fprintf(&b, "|---|---:|%s---:|---:|---:|---:|---|---:|---|---|---|\n", techRule)
	for _, v := range s.Variants {
		techCell := ""
		if techs {
			techCell = " " + techniqueList(v.Techniques) + " |"
		}
		fmt.Fprintf(&b, "| `%s` | %d |%s %d/%d | %s | %s | %s | %s | %s | %s | %s | %s |\n", v.Variant, v.NFeatures, techCell, v.RunsOK, v.Runs,
			score(v.CVMean), score(v.CVStd), gain(v.Gain), ci(v), pValue(v.PValue), v.Verdict, testLong(v), note(v))
	}
	if legend := testLegend(s); legend != "" {
		fmt.Fprintf(&b, "\n%s\n", legend)
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

// ciLevel is the confidence level of the intervals, e.g. "95%".
func ciLevel(s *study.AblationSummary) string {
	if s.Adaptive != nil {
		return fmt.Sprintf("%.4g%%", 100*(1-s.Adaptive.LookAlpha)) // the looks' intervals, e.g. 98.75%
	}
	return ciLevelOf(s.Alpha)
}

func ciLabel(s *study.AblationSummary) string { return ciLevel(s) + " CI" }

func ci(v study.VariantSummary) string {
	if v.CILow == nil || v.CIHigh == nil {
		return ""
	}
	return "[" + signed(*v.CILow) + ", " + signed(*v.CIHigh) + "]"
}

func pValue(p *float64) string {
	switch {
	case p == nil:
		return ""
	case *p < 0.0001:
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", *p)
}

// testShort names a variant's test in the terminal table.
func testShort(v study.VariantSummary) string {
	switch v.Test {
	case study.TestSeeds:
		return fmt.Sprintf("t, %d seeds", v.NPairs)
	case study.TestFolds:
		return fmt.Sprintf("NB, %d folds", v.NPairs)
	case study.TestSequential:
		return fmt.Sprintf("seq. t, %d seeds", v.NPairs)
	}
	return ""
}

// testLong names a variant's test in the markdown, or why there is none.
func testLong(v study.VariantSummary) string {
	if v.Test != "" {
		return fmt.Sprintf("%s (%d)", v.Test, v.NPairs)
	}
	if v.Reference != "" && v.NoTest != "" {
		return "none: " + v.NoTest
	}
	return ""
}

// testLegend explains the verdict and test columns, when any test was made.
func testLegend(s *study.AblationSummary) string {
	if s.Adaptive != nil {
		return adaptiveLegend(s)
	}
	var seeds, folds, none bool
	for _, v := range s.Variants {
		switch {
		case v.Test == study.TestSeeds:
			seeds = true
		case v.Test == study.TestFolds:
			folds = true
		case v.Reference != "" && v.Gain != nil:
			none = true
		}
	}
	if !seeds && !folds && !none {
		return ""
	}
	parts := []string{fmt.Sprintf("Verdict: helps or hurts when p < %g (two-sided), else noise.", s.Alpha)}
	if seeds {
		parts = append(parts, "t = paired t-test on the per-seed gains.")
	}
	if folds {
		parts = append(parts, "NB = Nadeau-Bengio corrected t-test on the fold-by-fold gains of the one seed (the folds' training sets overlap; n_test/n_train taken as 1/(k-1) for k folds).")
	}
	if none {
		parts = append(parts, "No verdict: no test could be made (one seed without paired folds).")
	}
	return strings.Join(parts, " ")
}

// groupTable ends the terminal summary: the groups by leave-one-out gain,
// both gains with their verdicts, and any interaction.
func groupTable(w io.Writer, s *study.AblationSummary) {
	if len(s.Groups) == 0 {
		return
	}
	fmt.Fprintln(w)
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	techs := hasTechniques(s)
	if techs {
		fmt.Fprint(tw, "name\tkind\t")
	} else {
		fmt.Fprint(tw, "group\t")
	}
	fmt.Fprintln(tw, "leave one out\tverdict\tadd to base\tverdict\tinteraction")
	for _, g := range s.Groups {
		inter := ""
		if g.Interaction != nil {
			inter = interactionShort(g.Interaction, techs)
		}
		fmt.Fprintf(tw, "%s\t", g.Group)
		if techs {
			fmt.Fprintf(tw, "%s\t", g.Kind)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", gain(g.LeaveOneOut), g.LeaveOneOutVerdict,
			gain(g.Additive), g.AdditiveVerdict, inter)
	}
	tw.Flush()
	writeTrimmed(w, tb.Bytes())
	for _, g := range s.Groups {
		if g.Interaction != nil {
			fmt.Fprintf(w, "Interaction: %s.\n", g.Interaction.Message)
		}
	}
}

func interactionShort(in *study.Interaction, techniques bool) string {
	other := "another group"
	if techniques {
		other = "another group or technique"
	}
	switch in.Kind {
	case study.InteractionRedundant:
		return "redundant with " + other
	case study.InteractionSynergy:
		return "helps only together with " + other
	}
	return in.Kind
}

// hasTechniques reports whether the ablation has techniques: labels then
// name them beside the groups.
func hasTechniques(s *study.AblationSummary) bool {
	for _, g := range s.Groups {
		if g.Kind == "technique" {
			return true
		}
	}
	return false
}

// componentNoun is what the ablation measures: "feature group", or
// "group or technique".
func componentNoun(s *study.AblationSummary) string {
	if hasTechniques(s) {
		return "group or technique"
	}
	return "feature group"
}

// shortNoun is componentNoun without "feature".
func shortNoun(s *study.AblationSummary) string {
	return strings.TrimPrefix(componentNoun(s), "feature ")
}

func techniqueList(ts []string) string {
	if len(ts) == 0 {
		return "—"
	}
	return strings.Join(ts, ", ")
}

// writeGroupVerdicts says, group by group and best first, what it is
// worth and how sure that is.
func writeGroupVerdicts(b *bytes.Buffer, s *study.AblationSummary) {
	if len(s.Groups) == 0 {
		b.WriteString("The plan has no feature groups and no techniques.\n")
		return
	}
	byName := map[string]study.VariantSummary{}
	for _, v := range s.Variants {
		byName[v.Variant] = v
	}
	techs := hasTechniques(s)
	if techs {
		b.WriteString("Groups and techniques by leave-one-out gain, best first:\n\n")
	} else {
		b.WriteString("Groups by leave-one-out gain, best first:\n\n")
	}
	for _, g := range s.Groups {
		loo, add := byName["-"+g.Group], byName["+"+g.Group]
		label := g.Group
		if techs {
			label += " (" + g.Kind + ")"
		}
		fmt.Fprintf(b, "- **%s**: %s. Leave one out: %s. Add to base: %s.\n", label, groupVerdict(g),
			gainSentence(loo, s), gainSentence(add, s))
	}
}

// groupVerdict sums up the two verdicts of a group.
func groupVerdict(g study.GroupSummary) string {
	word := func(v string) string {
		if v == study.VerdictNoise {
			return "noise (no effect distinguishable from seed-to-seed variation)"
		}
		return v
	}
	l, a := g.LeaveOneOutVerdict, g.AdditiveVerdict
	switch {
	case l == "" && a == "":
		return "no verdict (no test could be made)"
	case l == a || a == "":
		return word(l)
	case l == "":
		return word(a)
	}
	return fmt.Sprintf("%s left out of `all`, %s added to `base`", l, a)
}

// gainSentence is "+0.01000 (95% CI ..., p = ..., paired t-test over 3 seeds)".
func gainSentence(v study.VariantSummary, s *study.AblationSummary) string {
	if v.Gain == nil {
		return "not measured (no seed where both runs are ok)"
	}
	out := signed(*v.Gain)
	if v.Test == "" {
		if v.NoTest != "" {
			return out + " (no test: " + v.NoTest + ")"
		}
		return out
	}
	p := "p = " + pValue(v.PValue)
	if strings.HasPrefix(pValue(v.PValue), "<") {
		p = "p < 0.0001"
	}
	test := fmt.Sprintf("paired t-test over %d seeds", v.NPairs)
	switch v.Test {
	case study.TestFolds:
		test = fmt.Sprintf("Nadeau-Bengio corrected t-test over %d folds of one seed", v.NPairs)
	case study.TestSequential:
		test = fmt.Sprintf("group-sequential paired t-test over %d seeds", v.NPairs)
	}
	return fmt.Sprintf("%s (%s CI %s to %s, %s, %s)", out, ciLevel(s), signed(deref(v.CILow)), signed(deref(v.CIHigh)), p, test)
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func writeInteractions(b *bytes.Buffer, s *study.AblationSummary) {
	if len(s.Groups) < 2 {
		return
	}
	b.WriteString("\n### Interactions\n\n")
	found := false
	for _, g := range s.Groups {
		if in := g.Interaction; in != nil {
			found = true
			why := "the two gains differ in sign"
			if in.Reason == "size" {
				why = fmt.Sprintf("the two gains differ by %s, more than %.5f: the largest of min_gain, a quarter of the larger gain", signed(in.Difference), in.Threshold)
				if in.DifferenceSE != nil {
					why += fmt.Sprintf(" and the t critical value times the standard error of the difference (%.5f)", *in.DifferenceSE)
				}
			}
			fmt.Fprintf(b, "- %s (%s).\n", in.Message, why)
		}
	}
	if !found {
		fmt.Fprintf(b, "None: each %s's leave-one-out and add-to-base gains agree (no significant sign disagreement, and no significant gap larger than min_gain and a quarter of the larger gain).\n", shortNoun(s))
	}
}

// mdLink is a figure's file name: reports sit beside their figures.
func mdLink(path string) string { return filepath.Base(path) }

// writeTrimmed writes lines without the padding tabwriter leaves after
// the last non-empty cell.
func writeTrimmed(w io.Writer, b []byte) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line == "" {
			continue
		}
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

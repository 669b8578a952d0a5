package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kxrun/kxrun/study"
)

// adaptiveLegend explains the verdicts of an adaptive sweep.
func adaptiveLegend(s *study.AblationSummary) string {
	a := s.Adaptive
	return fmt.Sprintf("Verdict (adaptive, %d looks at %s seeds): at each look, helps or hurts when the paired t-test over seeds has p < %.4g = alpha %g / %d looks, "+
		"negligible when its %s interval lies inside ±%g (min_gain); a comparison still open at the end is noise. seq. t = that test at the look the comparison settled or its last look.",
		len(a.Looks), intList(a.Looks), a.LookAlpha, s.Alpha, len(a.Looks), ciLevel(s), s.MinGain)
}

func intList(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

// settledText is where a comparison settled, or why it did not.
func settledText(c study.AdaptiveComparison) string {
	if c.Settled {
		return fmt.Sprintf("look %d (%d seeds)", c.SettledLook, c.SettledSeeds)
	}
	return "open"
}

func seedsNeededText(c study.AdaptiveComparison) string {
	switch {
	case c.Settled:
		return ""
	case c.SeedsNeeded != nil:
		return fmt.Sprintf("~%d", *c.SeedsNeeded)
	case len(c.Tests) > 0:
		return fmt.Sprintf(">%d", study.SeedsNeededLimit)
	}
	return ""
}

func wayText(way string) string {
	if way == study.LeaveOneOut {
		return "leave one out"
	}
	return "add to base"
}

// lastTest is a comparison's latest test, or nil.
func lastTest(c study.AdaptiveComparison) *study.LookTest {
	if len(c.Tests) == 0 {
		return nil
	}
	return &c.Tests[len(c.Tests)-1]
}

// adaptiveTable ends the terminal summary of an adaptive sweep: each
// comparison with its verdict, the seeds it used and the look at which it
// settled, and what stayed open and why.
func adaptiveTable(w io.Writer, s *study.AblationSummary) {
	a := s.Adaptive
	if a == nil {
		return
	}
	fmt.Fprintf(w, "\nAdaptive sweep: looks at %s seeds, each at alpha %.4g; %d of %d looks; %d runs where a fixed sweep of %d seeds makes %d; %s.\n",
		intList(a.Looks), a.LookAlpha, a.LooksDone, len(a.Looks), s.Total, a.MaxSeeds, a.RunsFixed, a.Stopped)
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "comparison\tway\tverdict\tseeds\tsettled at\tgain\tp\tp below\tseeds to decide")
	for _, c := range a.Comparisons {
		g, p := "", ""
		if t := lastTest(c); t != nil {
			g, p = signed(t.Mean), pValue(&t.P)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%.4g\t%s\n", c.Variant, wayText(c.Way), c.Verdict, c.Seeds, settledText(c), g, p, a.LookAlpha, seedsNeededText(c))
	}
	tw.Flush()
	writeTrimmed(w, tb.Bytes())
	for _, c := range a.Comparisons {
		if !c.Settled && c.Open != "" {
			fmt.Fprintf(w, "Open: %s: %s.\n", c.Variant, c.Open)
		}
	}
}

// writeAdaptive is the markdown section of an adaptive sweep.
func writeAdaptive(b *bytes.Buffer, s *study.AblationSummary) {
	a := s.Adaptive
	if a == nil {
		return
	}
	b.WriteString("\n## Adaptive sweep\n\n")
	fmt.Fprintf(b, "Rule: %s. Looks at %s seeds (min_seeds %d, max_seeds %d); %d of them reached. %d runs, where the fixed sweep of every variant over %d seeds makes %d. Stopped: %s.\n\n",
		a.Rule, intList(a.Looks), a.MinSeeds, a.MaxSeeds, a.LooksDone, s.Total, a.MaxSeeds, a.RunsFixed, a.Stopped)
	fmt.Fprintf(b, "| comparison | way | verdict | seeds | settled at | gain | %s CI | p | seeds to decide |\n", ciLevel(s))
	b.WriteString("|---|---|---|---:|---|---:|---|---:|---:|\n")
	for _, c := range a.Comparisons {
		g, ci, p := "", "", ""
		if t := lastTest(c); t != nil {
			g, ci, p = signed(t.Mean), "["+signed(t.CILow)+", "+signed(t.CIHigh)+"]", pValue(&t.P)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %d | %s | %s | %s | %s | %s |\n", c.Variant, wayText(c.Way), c.Verdict, c.Seeds, settledText(c), g, ci, p, seedsNeededText(c))
	}
	var open []string
	for _, c := range a.Comparisons {
		if !c.Settled && c.Open != "" {
			open = append(open, fmt.Sprintf("- `%s`: %s.", c.Variant, c.Open))
		}
	}
	if len(open) > 0 {
		b.WriteString("\nStill open:\n\n" + strings.Join(open, "\n") + "\n")
	}
}

// adaptiveSeedLines say how an adaptive seed study went, round by round.
func adaptiveSeedLines(s *study.SeedSummary) []string {
	a := s.Adaptive
	if a == nil {
		return nil
	}
	var rounds []string
	for _, r := range a.Rounds {
		se := "—"
		if r.SE != nil {
			se = fmt.Sprintf("%.5f", *r.SE)
		}
		rounds = append(rounds, fmt.Sprintf("%d seeds: SE %s", r.Seeds, se))
	}
	return []string{
		fmt.Sprintf("adaptive               target standard error %.5f, %d to %d seeds; %s", a.TargetSE, a.MinSeeds, a.MaxSeeds, strings.Join(rounds, "; ")),
		"stopped                " + a.Stopped,
	}
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// Show writes a run's whole record for people. row carries what may have
// changed since the run was logged (LB score, archived); path turns a path
// recorded relative to the tracker into one to show (from
// tracker.Tracker.Resolve).
func Show(w io.Writer, rec *tracker.Record, row tracker.Row, path func(recorded string) string) {
	status := row.Status
	if row.Archived {
		status += ", archived"
	}
	fmt.Fprintf(w, "%s  %s  (%s)\n", Visible(rec.RunID), Visible(rec.Name), status)
	field := func(name, value string) {
		if value != "" {
			lines := strings.Split(value, "\n")
			for i, l := range lines {
				lines[i] = Visible(l)
			}
			fmt.Fprintf(w, "  %-12s %s\n", name, strings.Join(lines, "\n               "))
		}
	}
	field("date", rec.Date.Format(time.RFC3339))
	field("logged by", rec.Source)
	if rec.Plan != "" {
		origin := "plan " + rec.Plan
		if rec.PlanFile != "" {
			origin += " (" + rec.PlanFile + ")"
		}
		if rec.Variant != "" {
			origin += ", variant " + rec.Variant
		}
		field("origin", origin)
	}
	if rec.Seed != nil {
		field("seed", strconv.FormatInt(*rec.Seed, 10))
	}
	field("competition", rec.Competition)
	field("model", rec.ModelType)
	field("metric", strings.TrimSpace(rec.Metric+" "+rec.Direction))
	if rec.CVScore != nil {
		field("CV", fmt.Sprintf("%s ± %s over %d folds", opt(rec.CVScore), opt(rec.CVStd), len(rec.CVScores)))
	}
	if len(rec.CVScores) > 0 {
		field("folds", joinFloats(rec.CVScores))
	}
	field("LB", fmt.Sprintf("%s (CV-LB gap %s)", opt(row.LBScore), signedOpt(row.CVLBGap)))
	field("features", fmt.Sprintf("%d: %s", len(rec.Features), strings.Join(rec.Features, ", ")))
	if len(rec.Techniques) > 0 {
		field("techniques", strings.Join(rec.Techniques, ", "))
	}
	field("params", flatText(rec.Params))
	if len(rec.Metrics) > 0 {
		keys := slices.Sorted(mapKeys(rec.Metrics))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s=%s", k, strconv.FormatFloat(rec.Metrics[k], 'g', -1, 64))
		}
		field("metrics", strings.Join(parts, ", "))
	}
	field("notes", rec.Notes)
	if rec.ShellCommand != "" {
		field("command", rec.ShellCommand+"  (via /bin/sh -c)")
	} else if len(rec.Command) > 0 {
		field("command", shellJoin(rec.Command))
	}
	field("workdir", rec.Workdir)
	field("env", pairsText(rec.Env))
	var exit []string
	if rec.ExitCode != nil {
		exit = append(exit, fmt.Sprintf("exit status %d", *rec.ExitCode))
	}
	if rec.Signal != "" {
		exit = append(exit, "signal "+rec.Signal)
	}
	if rec.TimedOut {
		exit = append(exit, "timed out")
	}
	if rec.Attempts > 1 {
		exit = append(exit, fmt.Sprintf("%d attempts", rec.Attempts))
	}
	if rec.ResultSource != "" {
		exit = append(exit, "result from "+rec.ResultSource)
	}
	field("process", strings.Join(exit, ", "))
	field("reason", rec.Reason)
	if !rec.StartedAt.IsZero() {
		field("timing", fmt.Sprintf("started %s, took %s", rec.StartedAt.Format(time.RFC3339),
			time.Duration(rec.DurationS*float64(time.Second)).Round(time.Millisecond)))
	}
	for _, kind := range slices.Sorted(mapKeys(rec.Artifacts)) {
		a := rec.Artifacts[kind]
		field(kind, fmt.Sprintf("%s  %s %s  sha256 %s", path(a.Path), a.Dtype, shapeText(a.Shape), a.SHA256))
	}
	if rec.Log != "" {
		field("log", path(rec.Log))
	}
	switch {
	case rec.ResolvedConfig != "" && rec.Config != "":
		field("config", path(rec.Config)+" (kxrun run it, or kxrun run "+rec.RunID+", to run it again)")
	case rec.ResolvedConfig != "":
		field("config", "kxrun show "+rec.RunID+" --config (kxrun run "+rec.RunID+" runs it again)")
	case rec.Config != "":
		field("config", path(rec.Config))
	}
	if e := rec.Ensemble; e != nil {
		field("ensemble", ensembleText(e))
	}
	for i, sub := range rec.Submissions {
		field(fmt.Sprintf("submission %d", i+1), submissionText(sub, path))
	}
	if p := cmpOr(row.PrivateLB, rec.PrivateLB); p != nil {
		field("private LB", opt(p))
	}
	field("executor", pairsText(rec.Executor))
	if tail := strings.TrimSpace(rec.StderrTail); tail != "" && row.Status != "ok" {
		lines := strings.Split(tail, "\n")
		if len(lines) > 10 {
			lines = lines[len(lines)-10:]
		}
		fmt.Fprintf(w, "  stderr (last lines):\n")
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", Visible(l))
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func joinFloats(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 5, 64)
	}
	return strings.Join(parts, ", ")
}

func shapeText(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// shellJoin renders argv so that it can be pasted into a shell.
func shellJoin(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
		}) < 0 {
			parts[i] = a
		} else {
			parts[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(parts, " ")
}

// Flatten lists nested params as dotted paths with JSON values, sorted.
func Flatten(params map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			for k, sub := range m {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, sub)
			}
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprint(v))
		}
		out[prefix] = string(b)
	}
	for k, v := range params {
		walk(k, v)
	}
	return out
}

func flatText(params map[string]any) string {
	flat := Flatten(params)
	keys := slices.Sorted(mapKeys(flat))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + flat[k]
	}
	return strings.Join(parts, ", ")
}

// pairsText is m as KEY=VALUE pairs, sorted by key; "" for none.
func pairsText(m map[string]string) string {
	keys := slices.Sorted(mapKeys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

// ensembleText is a blend's method, scores and members, one member a line.
func ensembleText(e *tracker.EnsembleInfo) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	lines := []string{fmt.Sprintf("%s on %s: in-sample %s, honest %s (folds from %s); best single %s %s",
		e.Method, e.Metric, g(e.InSample), g(e.Honest), e.FoldsFrom, e.BestSingle, g(e.BestScore))}
	for _, m := range e.Members {
		line := fmt.Sprintf("%s %s  weight %s  score %s", m.RunID, m.Name, g(m.Weight), g(m.Score))
		if m.Count > 0 {
			line += fmt.Sprintf("  picked %d×", m.Count)
		}
		lines = append(lines, line)
	}
	if len(e.Path) > 0 {
		lines = append(lines, fmt.Sprintf("path %s (keeps the first %d)", strings.Join(e.Path, " "), e.Kept))
	}
	return strings.Join(lines, "\n")
}

// submissionText is a submission file and what the leaderboard made of it.
func submissionText(s tracker.Submission, path func(string) string) string {
	parts := []string{fmt.Sprintf("%s  %d rows  sha256 %s", path(s.Path), s.Rows, s.SHA256)}
	var lb []string
	if s.Competition != "" {
		lb = append(lb, "competition "+s.Competition)
	}
	if s.Status != "" {
		lb = append(lb, "status "+s.Status)
	}
	if s.PublicScore != nil {
		lb = append(lb, "public "+opt(s.PublicScore))
	}
	if s.PrivateScore != nil {
		lb = append(lb, "private "+opt(s.PrivateScore))
	}
	if len(lb) > 0 {
		parts = append(parts, strings.Join(lb, ", "))
	}
	return strings.Join(parts, "\n")
}

// cmpOr is the first non-nil of a and b.
func cmpOr(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

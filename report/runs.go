package report

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// RunsOptions select and order the runs of `kxrun report`.
type RunsOptions struct {
	Top  int    // 0: all
	Sort string // id, cv or lb
	All  bool   // include failed, cancelled and archived runs
	// NoList leaves Runs empty, for a summary that is not written as
	// JSON: the list of 100,000 runs is costly to build.
	NoList bool
}

// Correlation is how the public leaderboard follows CV.
type Correlation struct {
	N        int      `json:"n"`
	Pearson  *float64 `json:"pearson"`
	Spearman *float64 `json:"spearman"`
	Warning  string   `json:"warning,omitempty"`
}

// RunsSummary is what `kxrun report` shows.
type RunsSummary struct {
	Runs        []RunJSON    `json:"runs"`
	Total       int          `json:"runs_total"`
	Hidden      int          `json:"runs_hidden"`
	BestCV      *RunJSON     `json:"best_cv"`
	BestLB      *RunJSON     `json:"best_lb"`
	Direction   string       `json:"direction,omitempty"`
	Correlation *Correlation `json:"cv_lb_correlation"`
	ShakeUp     *ShakeUp     `json:"shake_up,omitempty"` // with private LB scores
	Baseline    string       `json:"baseline,omitempty"`
	Notes       []string     `json:"notes"`
	Saved       []string     `json:"saved"`

	rows []*tracker.Row // the runs shown, in the caller's slice
}

// RunJSON is a run as JSON listings show it.
type RunJSON struct {
	RunID     string   `json:"run_id"`
	Name      string   `json:"name"`
	Date      string   `json:"date"`
	Plan      string   `json:"plan,omitempty"`
	Variant   string   `json:"variant,omitempty"`
	Seed      *int64   `json:"seed"`
	CVScore   *float64 `json:"cv_score"`
	CVStd     *float64 `json:"cv_std"`
	LBScore   *float64 `json:"lb_score"`
	CVLBGap   *float64 `json:"cv_lb_gap"`
	NFeatures int      `json:"n_features"`
	// Techniques are the plan techniques the run had on, in plan order.
	Techniques []string `json:"techniques,omitempty"`
	ModelType  string   `json:"model_type"`
	Metric     string   `json:"metric"`
	Direction  string   `json:"direction"`
	Status     string   `json:"status"`
	Reason     string   `json:"reason,omitempty"`
	Archived   bool     `json:"archived"`
	Notes      string   `json:"notes,omitempty"`
}

// JSONOf converts a row.
func JSONOf(r tracker.Row) RunJSON { return jsonOf(&r) }

func jsonOf(r *tracker.Row) RunJSON {
	return RunJSON{RunID: r.RunID, Name: r.Name, Date: r.Date, Plan: r.Plan, Variant: r.Variant,
		Seed: r.Seed, CVScore: r.CVScore, CVStd: r.CVStd, LBScore: r.LBScore, CVLBGap: r.CVLBGap,
		NFeatures: r.NFeatures, Techniques: splitList(r.Techniques), ModelType: r.ModelType, Metric: r.Metric, Direction: r.Direction,
		Status: r.Status, Reason: r.Reason, Archived: r.Archived, Notes: r.Notes}
}

// ErrMixedDirections is returned where "best" would mean opposite things.
var ErrMixedDirections = errors.New("the runs mix maximize and minimize: their scores cannot be ranked together")

// weakCorrelation is the Spearman correlation below which the leaderboard
// is said not to follow CV.
const weakCorrelation = 0.5

// SummarizeRuns selects, orders and evaluates runs for `kxrun report`.
// The summary points into rows, which must not change while it is used.
func SummarizeRuns(rows []tracker.Row, baselineID string, o RunsOptions) (*RunsSummary, error) {
	s := &RunsSummary{Total: len(rows), Notes: []string{}, Saved: []string{}}
	// Pointers, not copies: a tracker may hold 100,000 runs, and a row is
	// some 300 bytes to copy and to move when sorting.
	shown := make([]*tracker.Row, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		if !o.All && (r.Archived || r.Status != "ok") {
			s.Hidden++
			continue
		}
		shown = append(shown, r)
	}
	dir, mixed := commonDirection(shown)
	s.Direction = dir
	switch o.Sort {
	case "", "id":
	case "cv", "lb":
		if mixed {
			return nil, fmt.Errorf("sort by %s: %w (use --sort id)", o.Sort, ErrMixedDirections)
		}
		sign := plan.Direction(dir).Sign()
		key := func(r *tracker.Row) *float64 {
			if o.Sort == "cv" {
				return r.CVScore
			}
			return r.LBScore
		}
		slices.SortStableFunc(shown, func(a, b *tracker.Row) int {
			ka, kb := key(a), key(b)
			switch {
			case ka == nil && kb == nil:
				return 0
			case ka == nil:
				return 1 // runs without the score last
			case kb == nil:
				return -1
			}
			return cmp.Compare(sign**kb, sign**ka)
		})
	default:
		return nil, fmt.Errorf("unknown sort %q: use id, cv or lb", o.Sort)
	}
	if o.Top > 0 && len(shown) > o.Top {
		shown = shown[:o.Top]
	}
	s.rows = shown
	s.Runs = []RunJSON{}
	if !o.NoList {
		s.Runs = make([]RunJSON, len(shown))
		for i, r := range shown {
			s.Runs[i] = jsonOf(r)
		}
	}
	if mixed {
		s.Notes = append(s.Notes, "best runs and the CV-LB correlation are not shown: "+ErrMixedDirections.Error())
		return s, nil
	}
	// Best runs and the correlation consider every visible ok run, not only
	// the top N shown: one pass over the rows for all three.
	var bestCV, bestLB *tracker.Row
	var cv, lb []float64
	var private []*tracker.Row
	better := plan.Direction(dir).Better
	for i := range rows {
		r := &rows[i]
		if r.Status != "ok" || r.Archived && !o.All {
			continue
		}
		if r.CVScore != nil && (bestCV == nil || better(*r.CVScore, *bestCV.CVScore)) {
			bestCV = r
		}
		if r.LBScore != nil && (bestLB == nil || better(*r.LBScore, *bestLB.LBScore)) {
			bestLB = r
		}
		if r.CVScore != nil && r.LBScore != nil {
			cv = append(cv, *r.CVScore)
			lb = append(lb, *r.LBScore)
		}
		if r.PrivateLB != nil {
			private = append(private, r)
		}
	}
	s.ShakeUp = shakeUp(private)
	s.BestCV, s.BestLB = jsonPtr(bestCV), jsonPtr(bestLB)
	s.Correlation = correlate(cv, lb)
	if b := tracker.Baseline(rows, baselineID); b != nil {
		s.Baseline = b.RunID
	}
	return s, nil
}

func commonDirection(rows []*tracker.Row) (string, bool) {
	dir := ""
	for _, r := range rows {
		if r.Status != "ok" {
			continue
		}
		switch {
		case dir == "":
			dir = r.Direction
		case r.Direction != dir:
			return "", true
		}
	}
	if dir == "" {
		dir = string(plan.Maximize)
	}
	return dir, false
}

func jsonPtr(r *tracker.Row) *RunJSON {
	if r == nil {
		return nil
	}
	j := jsonOf(r)
	return &j
}

// correlate is how LB follows CV over runs with both.
func correlate(cv, lb []float64) *Correlation {
	c := &Correlation{N: len(cv)}
	if len(cv) < 3 {
		c.Warning = fmt.Sprintf("%d run(s) with a leaderboard score: record at least 3 with `kxrun lb RUN SCORE` to see whether the leaderboard follows CV", len(cv))
		return c
	}
	if p := stats.Pearson(cv, lb); !math.IsNaN(p) {
		c.Pearson = &p
	}
	if sp := stats.Spearman(cv, lb); !math.IsNaN(sp) {
		c.Spearman = &sp
	}
	switch {
	case c.Pearson == nil || c.Spearman == nil:
		c.Warning = "CV or LB scores do not vary: no correlation"
	case *c.Spearman < 0 || *c.Pearson < 0:
		c.Warning = "negative correlation: the leaderboard does not follow CV. Trust CV (the public LB is a small sample), or fix the CV scheme so that it matches the test split"
	case *c.Spearman < weakCorrelation || *c.Pearson < weakCorrelation:
		c.Warning = "weak correlation: the leaderboard does not follow CV well. Trust CV, or fix the CV scheme so that it matches the test split"
	}
	return c
}

func opt(f *float64) string {
	if f == nil {
		return "—"
	}
	return string(appendFixed5(nil, *f, false))
}

func signedOpt(f *float64) string {
	if f == nil {
		return "—"
	}
	return string(appendFixed5(nil, *f, true))
}

// appendFixed5 appends f as fmt's "%.5f" (with plus, "%+.5f") writes it,
// for tables of many thousands of numbers.
func appendFixed5(b []byte, f float64, plus bool) []byte {
	n := len(b)
	b = strconv.AppendFloat(b, f, 'f', 5, 64)
	if plus && b[n] != '-' && b[n] != '+' { // "+Inf" has its sign already
		b = append(b, 0)
		copy(b[n+1:], b[n:])
		b[n] = '+'
	}
	return b
}

// RunsTable writes the table of `kxrun report`, with shorter headers when
// the full ones do not fit the terminal.
func RunsTable(w io.Writer, s *RunsSummary, st Style) {
	t := runsTable(s)
	if !t.fits(st) {
		compactRunsTable(t)
	}
	if len(s.rows) == 0 {
		fmt.Fprintln(w, "No runs to show.")
	} else {
		t.render(w, st)
	}
	fmt.Fprintln(w)
	for _, line := range summaryLines(s) {
		fmt.Fprintln(w, line)
	}
}

func runsTable(s *RunsSummary) *table {
	rr := &runRows{rows: s.rows, ends: make([]int, 0, 5*len(s.rows))}
	if s.BestCV != nil {
		rr.bestCV = s.BestCV.RunID
	}
	if s.BestLB != nil {
		rr.bestLB = s.BestLB.RunID
	}
	// The numbers are formatted once, into one string, for the widths and
	// then the lines.
	nums := make([]byte, 0, 32*len(s.rows)) // about 25 bytes a row; only what is written is touched
	for _, r := range s.rows {
		for k, f := range [...]*float64{r.CVScore, r.CVStd, r.LBScore, r.CVLBGap} {
			if f == nil {
				nums = append(nums, "—"...)
			} else {
				nums = appendFixed5(nums, *f, k == 3)
			}
			rr.ends = append(rr.ends, len(nums))
		}
		nums = strconv.AppendInt(nums, int64(r.NFeatures), 10)
		rr.ends = append(rr.ends, len(nums))
	}
	rr.nums = string(nums)
	return &table{
		header: []string{"run", "name", "CV mean", "CV std", "LB", "CV-LB gap", "n_features", "model", "status"},
		right:  []bool{false, false, true, true, true, true, true, false, false},
		shrink: 1,
		rows:   rr,
	}
}

// compactRunsTable makes the runs table narrower: short headers, and
// "archived" alone as an archived run's status.
func compactRunsTable(t *table) {
	t.header = []string{"run", "name", "CV", "std", "LB", "gap", "feats", "model", "status"}
	t.rows.(*runRows).compact = true
	t.natural = nil
}

// runRows are the rows of the runs table, cut from the runs and their
// numbers, formatted beforehand.
type runRows struct {
	rows           []*tracker.Row
	nums           string
	ends           []int // 5 per row: where its CV, std, LB, gap and n_features end in nums
	bestCV, bestLB string
	compact        bool
}

func (rr *runRows) len() int { return len(rr.rows) }

func (rr *runRows) cells(i int, dst []string) []string {
	r := rr.rows[i]
	start := 0
	if i > 0 {
		start = rr.ends[5*i-1]
	}
	e := rr.ends[5*i : 5*i+5]
	status := r.Status
	switch {
	case r.Archived && rr.compact:
		status = "archived"
	case r.Archived:
		status += " (archived)"
	}
	return append(dst[:0], r.RunID, r.Name, rr.nums[start:e[0]], rr.nums[e[0]:e[1]], rr.nums[e[1]:e[2]],
		rr.nums[e[2]:e[3]], rr.nums[e[3]:e[4]], r.ModelType, status)
}

func (rr *runRows) color(i int) string {
	r := rr.rows[i]
	switch {
	case r.Status != "ok":
		return colorRed
	case r.Archived:
		return colorDim
	case r.RunID == rr.bestCV || r.RunID == rr.bestLB:
		return colorGreen
	}
	return ""
}

func summaryLines(s *RunsSummary) []string {
	var lines []string
	shown := fmt.Sprintf("%d of %d runs shown", len(s.rows), s.Total)
	if s.Hidden > 0 {
		shown += fmt.Sprintf(" (%d failed or archived hidden: --all shows them)", s.Hidden)
	}
	lines = append(lines, shown)
	if s.BestCV != nil {
		lines = append(lines, fmt.Sprintf("best CV: %s %s %s (%s)", s.BestCV.RunID, Visible(s.BestCV.Name), opt(s.BestCV.CVScore), s.Direction))
	}
	if s.BestLB != nil {
		lines = append(lines, fmt.Sprintf("best LB: %s %s %s", s.BestLB.RunID, Visible(s.BestLB.Name), opt(s.BestLB.LBScore)))
	}
	if s.Baseline != "" {
		lines = append(lines, "baseline: "+s.Baseline)
	}
	if c := s.Correlation; c != nil {
		if c.Pearson != nil && c.Spearman != nil {
			lines = append(lines, fmt.Sprintf("CV-LB correlation over %d runs: Pearson %.3f, Spearman %.3f", c.N, *c.Pearson, *c.Spearman))
		}
		if c.Warning != "" {
			lines = append(lines, "warning: "+c.Warning)
		}
	}
	lines = append(lines, ShakeUpLines(s.ShakeUp)...)
	for _, n := range s.Notes {
		lines = append(lines, "note: "+Visible(n))
	}
	return lines
}

// RunsMarkdown is the recap written to reports/<date>_summary.md; extra
// (the figures) goes at the end.
func RunsMarkdown(s *RunsSummary, now time.Time, extra string) []byte {
	// A line is about 100 bytes. Not Grow: it would clear, and so fault
	// in, all of it at once; untouched capacity costs nothing.
	b := bytes.NewBuffer(make([]byte, 0, 128*(len(s.rows)+1)))
	fmt.Fprintf(b, "# Experiment summary, %s\n\n", now.Format("2006-01-02 15:04"))
	b.WriteString("| run | name | CV mean | CV std | LB | CV-LB gap | n_features | model | status |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---|---|\n")
	// Appended piece by piece rather than with Fprintf: the recap lists
	// every run, and a tracker may hold 100,000.
	var line []byte
	num := func(f *float64, plus bool) {
		if f == nil {
			line = append(line, "—"...)
		} else {
			line = appendFixed5(line, *f, plus)
		}
		line = append(line, " | "...)
	}
	for _, r := range s.rows {
		status := r.Status
		if r.Archived {
			status += " (archived)"
		}
		if r.Reason != "" {
			status += ": " + r.Reason
		}
		line = append(line[:0], "| `"...)
		line = append(line, r.RunID...)
		line = append(line, "` | `"...)
		line = append(line, mdEscape(r.Name)...)
		line = append(line, "` | "...)
		num(r.CVScore, false)
		num(r.CVStd, false)
		num(r.LBScore, false)
		num(r.CVLBGap, true)
		line = strconv.AppendInt(line, int64(r.NFeatures), 10)
		line = append(line, " | "...)
		line = append(line, mdEscape(r.ModelType)...)
		line = append(line, " | "...)
		line = append(line, mdEscape(status)...)
		line = append(line, " |\n"...)
		b.Write(line)
	}
	b.WriteString("\n")
	for _, line := range summaryLines(s) {
		fmt.Fprintf(b, "- %s\n", line)
	}
	b.WriteString(extra)
	return b.Bytes()
}

// mdEscape makes text a markdown table cell: control characters visible,
// no cell break (|), no HTML (<).
func mdEscape(s string) string {
	s = Visible(s)
	if !strings.ContainsAny(s, "|<") {
		return s
	}
	return strings.NewReplacer("|", `\|`, "<", "&lt;").Replace(s)
}

// splitList reads a comma-separated runs.csv list; nil when empty.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

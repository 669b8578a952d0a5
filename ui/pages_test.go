package ui

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

func ids(table [][]string, col int) []string {
	out := []string{}
	for _, r := range table {
		out = append(out, r[col])
	}
	return out
}

func TestRunsFilters(t *testing.T) {
	_, ts, rows := servedFixture(t)
	// want lists the ids of the rows keep accepts, newest first, as
	// filtered here from the tracker's reading.
	want := func(keep func(r tracker.Row) bool) []string {
		out := []string{}
		for i := len(rows) - 1; i >= 0; i-- {
			if keep(rows[i]) {
				out = append(out, rows[i].RunID)
			}
		}
		return out
	}
	visible := func(r tracker.Row) bool { return !r.Archived }
	for _, tc := range []struct {
		query string
		keep  func(r tracker.Row) bool
	}{
		{"", visible},
		{"?archived=1", func(r tracker.Row) bool { return true }},
		{"?plan=abl", func(r tracker.Row) bool { return visible(r) && r.Plan == "abl" }},
		{"?status=failed", func(r tracker.Row) bool { return visible(r) && r.Status == "failed" }},
		{"?variant=-a", func(r tracker.Row) bool { return visible(r) && r.Variant == "-a" }},
		{"?model=xgb&archived=1", func(r tracker.Row) bool { return r.ModelType == "xgb" }},
		{"?q=WARMUP", func(r tracker.Row) bool { return visible(r) && strings.Contains(r.Notes, "warmup") }},
		{"?q=minus_a", func(r tracker.Row) bool { return visible(r) && strings.Contains(r.Name, "minus_a") }},
		{"?config=abl_all", func(r tracker.Row) bool { return visible(r) && r.Plan == "abl" && r.Variant == "all" }},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := ids(cells(t, mustGet(t, ts, "/"+tc.query), "runs"), 1)
			if d := gocmp.Diff(want(tc.keep), got); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestRunsCells(t *testing.T) {
	_, ts, rows := servedFixture(t)
	got := cells(t, mustGet(t, ts, "/?archived=1"), "runs")
	for i, cells := range got {
		r := rows[len(rows)-1-i]
		f := func(p *float64) string {
			if p == nil {
				return "—"
			}
			return strconv.FormatFloat(*p, 'f', 5, 64)
		}
		seed := ""
		if r.Seed != nil {
			seed = strconv.FormatInt(*r.Seed, 10)
		}
		status := r.Status
		if r.Archived {
			status += ", archived"
		}
		gap := "—"
		if r.CVLBGap != nil {
			gap = fmt.Sprintf("%+.5f", *r.CVLBGap)
		}
		want := []string{r.RunID, r.Name, r.Plan, r.Variant, seed, f(r.CVScore), f(r.CVStd), f(r.LBScore), gap,
			strconv.Itoa(r.NFeatures), r.ModelType, status}
		line := cells[1:13]
		if d := gocmp.Diff(want, line); d != "" {
			t.Errorf("%s: %s", r.RunID, d)
		}
	}
}

func TestRunsSortAndPages(t *testing.T) {
	_, ts, rows := servedFixture(t)
	var ok []tracker.Row
	for _, r := range rows {
		if !r.Archived {
			ok = append(ok, r)
		}
	}
	// By CV, best first, runs without one last, ties by id.
	slices.SortStableFunc(ok, func(a, b tracker.Row) int {
		switch {
		case a.CVScore == nil && b.CVScore == nil:
			return cmp.Compare(a.Number, b.Number)
		case a.CVScore == nil:
			return 1
		case b.CVScore == nil:
			return -1
		}
		return cmp.Or(cmp.Compare(*b.CVScore, *a.CVScore), cmp.Compare(a.Number, b.Number))
	})
	var want []string
	for _, r := range ok {
		want = append(want, r.RunID)
	}
	var got []string
	for page := 1; ; page++ {
		body := mustGet(t, ts, fmt.Sprintf("/?sort=cv&desc=1&per=5&page=%d", page))
		got = append(got, ids(cells(t, body, "runs"), 1)...)
		if !strings.Contains(body, "next ›") {
			break
		}
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	// Ascending by name.
	slices.SortStableFunc(ok, func(a, b tracker.Row) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Number, b.Number))
	})
	want = want[:0]
	for _, r := range ok {
		want = append(want, r.RunID)
	}
	if d := gocmp.Diff(want, ids(cells(t, mustGet(t, ts, "/?sort=name&desc=0"), "runs"), 1)); d != "" {
		t.Error(d)
	}
}

func TestGroups(t *testing.T) {
	_, ts, rows := servedFixture(t)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 5, 64) }
	agg := func(xs []float64) []string {
		if len(xs) == 0 {
			return []string{"0", "—", "—", "—", "—"}
		}
		sd := "—"
		if len(xs) > 1 {
			sd = f(stat.StdDev(xs, nil)) // sample std, as pandas
		}
		return []string{strconv.Itoa(len(xs)), f(stat.Mean(xs, nil)), sd, f(slices.Min(xs)), f(slices.Max(xs))}
	}
	for _, tc := range []struct {
		group string
		key   func(r tracker.Row) string
	}{
		{"config", func(r tracker.Row) string {
			if r.Seed == nil {
				return r.Name
			}
			return strings.TrimSuffix(r.Name, fmt.Sprintf("_s%d", *r.Seed))
		}},
		{"variant", func(r tracker.Row) string { return r.Variant }},
		{"plan", func(r tracker.Row) string { return r.Plan }},
		{"model", func(r tracker.Row) string { return r.ModelType }},
	} {
		t.Run(tc.group, func(t *testing.T) {
			type g struct {
				runs, ok int
				cv, lb   []float64
			}
			groups := map[string]*g{}
			for _, r := range rows {
				if r.Archived {
					continue
				}
				k := tc.key(r)
				if groups[k] == nil {
					groups[k] = &g{}
				}
				x := groups[k]
				x.runs++
				if r.Status == "ok" {
					x.ok++
				}
				if r.CVScore != nil {
					x.cv = append(x.cv, *r.CVScore)
				}
				if r.LBScore != nil {
					x.lb = append(x.lb, *r.LBScore)
				}
			}
			var want [][]string
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range groups {
					if !yield(k) {
						return
					}
				}
			}) {
				x := groups[k]
				label := k
				if k == "" {
					label = "(none)"
				}
				line := []string{label, strconv.Itoa(x.runs), strconv.Itoa(x.ok)}
				line = append(line, agg(x.cv)...)
				want = append(want, append(line, agg(x.lb)...))
			}
			got := cells(t, mustGet(t, ts, "/?group="+tc.group), "runs")
			if d := gocmp.Diff(want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestRunPage(t *testing.T) {
	tr, ts, rows := servedFixture(t)
	i, _ := tracker.Find(rows, "manual_1")
	r := rows[i]
	rec, err := tr.Details(r.RunID)
	if err != nil {
		t.Fatal(err)
	}
	// An array and a log of the run's own, as the tracker keeps them.
	os.WriteFile(tr.Dir+"/artifacts/oof_xgb_v"+strconv.Itoa(r.Number)+".npy", []byte("npy bytes"), 0o644)
	os.WriteFile(tr.Dir+"/logs/"+r.RunID+".log", []byte(strings.Repeat("early line\n", 3000)+"last line "+hostile+"\n"), 0o644)
	rec.Artifacts = map[string]*tracker.Artifact{"oof": {Path: "artifacts/oof_xgb_v" + strconv.Itoa(r.Number) + ".npy", Dtype: "float64", Shape: []int{9}, Bytes: 9, SHA256: "abc"}}
	rec.Log = "logs/" + r.RunID + ".log"
	writeJSONFile(t, detailsPath(tr, r.RunID), rec)

	body := mustGet(t, ts, "/run/"+r.RunID)
	var show bytes.Buffer
	rec.LBScore, rec.Notes = r.LBScore, r.Notes
	report.Show(&show, rec, r, tr.Resolve)
	if !strings.Contains(body, html.EscapeString(show.String())) {
		t.Errorf("the page lacks kxrun show's text:\n%s", show.String())
	}
	for _, want := range []string{`href="/run/` + r.RunID + `/artifact/oof"`, "last line " + html.EscapeString(hostile),
		"opt.lr", `src="/run/` + r.RunID + `/fold.svg"`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the run page", want)
		}
	}
	if strings.Count(body, "early line") > 2000 {
		t.Error("the whole log is shown, not its tail")
	}
	if got := mustGet(t, ts, "/run/"+r.RunID+"/artifact/oof"); got != "npy bytes" {
		t.Errorf("artifact %q", got)
	}
	if svg := mustGet(t, ts, "/run/"+r.RunID+"/fold.svg"); !strings.HasPrefix(svg, "<?xml") || !strings.Contains(svg, "<svg") {
		t.Errorf("fold chart %.80q", svg)
	}
	if code, _ := get(t, ts, "/run/run_999"); code != http.StatusNotFound {
		t.Errorf("unknown run: %d", code)
	}
}

func TestComparePage(t *testing.T) {
	tr, ts, rows := servedFixture(t)
	a, _ := tracker.Find(rows, "manual_0")
	b, _ := tracker.Find(rows, "manual_2")
	ra, _ := tr.Details(rows[a].RunID)
	rb, _ := tr.Details(rows[b].RunID)
	c, err := report.Compare(rows[a], rows[b], ra, rb, tr)
	if err != nil {
		t.Fatal(err)
	}
	body := mustGet(t, ts, "/compare?run=manual_0&run="+rows[b].RunID+"&run=abl_all_s1")
	folds := cells(t, body, "compare folds")
	for i, f := range c.Folds {
		if got, want := folds[2*i+1][2], fmt.Sprintf("%+.5f", f.Delta); got != want {
			t.Errorf("fold %d delta %s, want %s", i+1, got, want)
		}
	}
	for _, want := range []string{"opt.lr", "depth", "0.1 → 0.30000000000000004", "features added (4): y, a1, a2, b1"} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("no %q", want)
		}
	}
	if oof := cells(t, body, "compare oof"); !strings.Contains(oof[0][2], "OOF correlation needs OOF predictions") {
		t.Errorf("OOF cell %q", oof[0][2])
	}
	if strings.Contains(body, `class="techniques"`) {
		t.Error("techniques listed for runs without any")
	}
	// Techniques on one side and the other, as kxrun compare lists them.
	ra.Techniques, rb.Techniques = []string{"tta", "te"}, []string{"te", "pseudo"}
	writeJSONFile(t, detailsPath(tr, ra.RunID), ra)
	writeJSONFile(t, detailsPath(tr, rb.RunID), rb)
	body = mustGet(t, ts, "/compare?run=manual_0&run="+rows[b].RunID)
	if want := `<li class="techniques">techniques added (1): pseudo; removed (1): tta</li>`; !strings.Contains(body, want) {
		t.Errorf("no %q in the compare page", want)
	}
	if body := mustGet(t, ts, "/compare?run=manual_0"); !strings.Contains(body, "select two runs or more") {
		t.Error("one run compared")
	}
}

// The sweep page rebuilds the plan from the runs (its file is gone) and
// shows what study.Summarize computes for the real plan.
func TestSweepPage(t *testing.T) {
	tr, ts, rows := servedFixture(t)
	var fin []*study.Finished
	for _, spec := range ablPlan.Runs() {
		i, _ := tracker.Find(rows, spec.Name)
		rec, _ := tr.Details(rows[i].RunID)
		fin = append(fin, &study.Finished{Record: rec})
	}
	sum := study.Summarize(ablPlan, fin)
	body := mustGet(t, ts, "/sweep/abl")
	s := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%+.5f", *p)
	}
	var want [][]string
	for _, g := range sum.Groups {
		inter := ""
		if g.Interaction != nil {
			inter = g.Interaction.Kind
		}
		want = append(want, []string{g.Group, s(g.LeaveOneOut), g.LeaveOneOutVerdict, s(g.Additive), g.AdditiveVerdict, inter})
	}
	if d := gocmp.Diff(want, cells(t, body, "runs groups")); d != "" {
		t.Error(d)
	}
	variants := cells(t, body, "runs variants")
	for i, v := range sum.Variants {
		ci := ""
		if v.CILow != nil {
			ci = "[" + s(v.CILow) + ", " + s(v.CIHigh) + "]"
		}
		gain := ""
		if v.Gain != nil {
			gain = s(v.Gain)
		}
		got := variants[i]
		if got[0] != v.Variant || got[5] != gain || got[6] != ci || got[8] != v.Verdict {
			t.Errorf("variant line %q, want %s gain %s CI %s verdict %s", got, v.Variant, gain, ci, v.Verdict)
		}
	}
	if !strings.Contains(body, "plan rebuilt from the runs") || !strings.Contains(body, "abl_minus_b_s3") {
		t.Error("the page does not say the plan was rebuilt, or lacks the failed run")
	}
	if svg := mustGet(t, ts, "/sweep/abl/gains.svg"); !strings.Contains(svg, "<svg") {
		t.Error("no gains figure")
	}
	if list := mustGet(t, ts, "/sweeps"); !strings.Contains(list, `href="/sweep/abl"`) {
		t.Error("the sweep is not listed")
	}
	if code, _ := get(t, ts, "/sweep/nothing"); code != http.StatusNotFound {
		t.Errorf("unknown sweep: %d", code)
	}
}

func TestLeaderboardPage(t *testing.T) {
	_, ts, rows := servedFixture(t)
	var cv, lb []float64
	var want [][]string
	for _, r := range rows {
		if r.Status == "ok" && !r.Archived && r.LBScore != nil {
			cv, lb = append(cv, *r.CVScore), append(lb, *r.LBScore)
			want = append(want, []string{r.RunID, r.Name, fmt.Sprintf("%.5f", *r.CVScore), fmt.Sprintf("%.5f", *r.LBScore), fmt.Sprintf("%+.5f", *r.CVLBGap)})
		}
	}
	slices.SortStableFunc(want, func(a, b []string) int { return strings.Compare(b[3], a[3]) })
	body := mustGet(t, ts, "/leaderboard")
	if d := gocmp.Diff(want, cells(t, body, "runs lb")); d != "" {
		t.Error(d)
	}
	pearson := stat.Correlation(cv, lb, nil)
	if w := fmt.Sprintf("<td title=\"%s\">%.4f</td>", strconv.FormatFloat(pearson, 'g', -1, 64), pearson); !strings.Contains(body, fmt.Sprintf("%.4f", pearson)) {
		t.Errorf("no Pearson %s", w)
	}
	for _, fig := range []string{"cv_lb.svg", "cv_history.svg"} {
		if svg := mustGet(t, ts, "/leaderboard/"+fig); !strings.Contains(svg, "<svg") {
			t.Errorf("no %s", fig)
		}
	}
}

func TestLivePage(t *testing.T) {
	tr := fixture(t)
	s, ts := newTestServer(t, tr, Options{Poll: 20 * time.Millisecond})
	st := &tracker.SweepStatus{PID: os.Getpid(), Command: "ablation", Plan: "abl" + hostile, PlanFile: "p.yaml",
		Started: time.Now().Add(-time.Minute), Total: 10, Done: 4, Jobs: 2, DurationS: []float64{1, 1, 1, 1},
		Running: []tracker.RunningRun{{Name: "abl_base_s9", Started: time.Now()}}, Best: fptr(0.8)}
	if err := tr.WriteStatus(st); err != nil {
		t.Fatal(err)
	}
	defer tr.RemoveStatus(st.PID)
	body := mustGet(t, ts, "/live")
	for _, want := range []string{"ablation of abl" + html.EscapeString(hostile), "4/10 done (0 cached), 1 running, 0 failed, ETA", "running abl_base_s9", "best 0.80000"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the live page", want)
		}
	}
	// Events: one at once, another when a run is appended.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.follow(ctx)
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() string {
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				return l
			}
		}
		t.Fatal("event stream ended")
		return ""
	}
	first := next()
	commit(t, tr, &tracker.Record{Name: "fresh", Source: "log", Status: "ok", Metric: "auc", Features: []string{"x"}, CVScores: folds(0.7, 40)})
	if second := next(); second == first {
		t.Errorf("no new event after a run: %s", second)
	}
	if body := mustGet(t, ts, "/live?partial=1"); !strings.Contains(body, "fresh") || strings.Contains(body, "<html") {
		t.Error("the live part lacks the new run, or is a whole page")
	}
	if body := mustGet(t, ts, "/?partial=1"); !strings.Contains(body, "fresh") || strings.Contains(body, "<html") {
		t.Error("the runs table part lacks the new run, or is a whole page")
	}
}

// A seed study of the plan's variant all (more seeds by `kxrun seeds`)
// shows what study.SummarizeSeeds computes; with the plan file still in
// place, its settings are used.
func TestSeedStudyAndPlanFile(t *testing.T) {
	tr := fixture(t)
	planFile := filepath.Join(t.TempDir(), "abl.yaml")
	os.WriteFile(planFile, []byte(`name: abl
metric: auc
command: ["true"]
model: lgb
seeds: [1, 2, 3]
alpha: 0.1
base_features: [x, y]
feature_groups:
  a: [a1, a2]
  b: [b1]
`), 0o644)
	for _, seed := range []int64{4, 5} {
		commit(t, tr, &tracker.Record{Name: fmt.Sprintf("abl_all_s%d", seed), Source: "seeds", Plan: "abl", PlanFile: planFile,
			Variant: "all", Seed: &seed, Status: "ok", Metric: "auc", ModelType: "lgb",
			Features: []string{"x", "y", "a1", "a2", "b1"}, CVScores: folds(0.8+0.002*float64(seed), 60+int(seed))})
	}
	_, ts := newTestServer(t, tr, Options{})
	rows := readRows(t, tr)
	p, err := plan.Load(planFile)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []int64{1, 2, 3, 4, 5}
	var fin []*study.Finished
	for _, seed := range seeds {
		i, _ := tracker.Find(rows, fmt.Sprintf("abl_all_s%d", seed))
		rec, _ := tr.Details(rows[i].RunID)
		fin = append(fin, &study.Finished{Record: rec})
	}
	sum := study.SummarizeSeeds(p, "all", seeds, fin, 0)
	body := html.UnescapeString(mustGet(t, ts, "/sweep/abl"))
	for _, want := range []string{"plan file " + planFile, "α = 0.1", "Seed study of abl all", "Seeds: 1, 2, 3, 4, 5",
		fmt.Sprintf("Mean of the seeds' CV means %.5f, std over seeds (ddof 1) %.5f, min %.5f, max %.5f", *sum.Mean, *sum.Std, *sum.Min, *sum.Max)} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the sweep page", want)
		}
	}
	if svg := mustGet(t, ts, "/sweep/abl/gains.svg?seeds=all"); !strings.Contains(svg, "<svg") {
		t.Error("no seeds figure")
	}
}

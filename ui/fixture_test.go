package ui

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// The fixture is a tracker of real commits: an ablation of plan "abl"
// (groups a and b, three seeds, one failed run), manual logs with
// hostile names and notes, LB scores and an archived run.

const hostile = `<script>alert("x")</script>`

var ablPlan = &plan.Plan{Name: "abl", Metric: "auc", Direction: plan.Maximize, Model: "lgb",
	Seeds: []int64{1, 2, 3}, BaseFeatures: []string{"x", "y"},
	Groups: []plan.Group{{Name: "a", Features: []string{"a1", "a2"}}, {Name: "b", Features: []string{"b1"}}},
	Alpha:  plan.DefaultAlpha, MinGain: plan.DefaultMinGain, SeedStdWarn: plan.DefaultSeedStdWarn}

func fptr(f float64) *float64 { return &f }

// folds are deterministic, distinct fold scores around m.
func folds(m float64, k int) []float64 {
	out := make([]float64, 5)
	for i := range out {
		out[i] = m + 0.003*math.Sin(float64(7*k+i))
	}
	return out
}

func commit(t *testing.T, tr *tracker.Tracker, rec *tracker.Record) {
	t.Helper()
	if rec.Date.IsZero() {
		rec.Date = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	}
	if rec.Status == "ok" && rec.CVScore == nil {
		m, sd := stats.Mean(rec.CVScores), stats.Std(rec.CVScores, 0)
		rec.CVScore, rec.CVStd = &m, &sd
	}
	if rec.Direction == "" {
		rec.Direction = "maximize"
	}
	if _, err := tr.Commit(rec, tracker.Files{}); err != nil {
		t.Fatal(err)
	}
}

func fixture(t *testing.T) *tracker.Tracker {
	t.Helper()
	tr, err := tracker.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	means := map[string]float64{"all": 0.80, "-a": 0.75, "-b": 0.798, "base": 0.70}
	k := 0
	for _, spec := range ablPlan.Runs() {
		seed := spec.Seed
		v := spec.Variant
		rec := &tracker.Record{Name: spec.Name, Source: "ablation", Plan: "abl", PlanFile: "plans/abl.yaml", Variant: v.Name,
			Seed: &seed, Status: "ok", Metric: "auc", Direction: "maximize", ModelType: "lgb", Features: v.Features,
			Params: map[string]any{"lr": 0.1}, CVScores: folds(means[v.Name]+0.001*float64(seed), k), DurationS: 1.5}
		if v.Name == "-b" && seed == 3 {
			rec.Status, rec.Reason, rec.CVScores = "failed", "exit status 1", nil
		}
		commit(t, tr, rec)
		k++
	}
	for i, lb := range []float64{0.79, 0.81, 0.74, 0.70} {
		seed := int64(i)
		commit(t, tr, &tracker.Record{Name: fmt.Sprintf("manual_%d", i), Source: "log", Seed: &seed, Status: "ok",
			Metric: "auc", ModelType: "xgb", Features: []string{"x"}, Params: map[string]any{"depth": i, "opt": map[string]any{"lr": 0.1 * float64(i+1)}},
			CVScores: folds(0.7+0.03*float64(i), 20+i), LBScore: fptr(lb), Notes: "lr warmup " + hostile})
	}
	commit(t, tr, &tracker.Record{Name: "evil_" + hostile, Source: "log", Status: "ok", Metric: "auc", ModelType: "<b>m</b>",
		Features: []string{"x"}, CVScores: folds(0.6, 30), Notes: hostile})
	commit(t, tr, &tracker.Record{Name: "old", Source: "log", Status: "ok", Metric: "auc", ModelType: "xgb",
		Features: []string{"x"}, CVScores: folds(0.5, 31)})
	if _, err := tr.SetArchived([]string{"old"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.SetLB("abl_all_s1", fptr(0.805)); err != nil {
		t.Fatal(err)
	}
	return tr
}

// newTestServer serves tr; requests go to it by the Host it is bound to.
func newTestServer(t *testing.T, tr *tracker.Tracker, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(tr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.Bind(ts.Listener.Addr(), ts.Listener.Addr().String())
	return s, ts
}

func get(t *testing.T, ts *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func mustGet(t *testing.T, ts *httptest.Server, path string) string {
	t.Helper()
	code, body := get(t, ts, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return body
}

func post(t *testing.T, ts *httptest.Server, path string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var (
	rowRE  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// cells reads the body rows of the first table matching class (text of
// each cell, tags removed, entities decoded).
func cells(t *testing.T, page, class string) [][]string {
	t.Helper()
	i := strings.Index(page, `<table class="`+class)
	if i < 0 {
		t.Fatalf("no table %q in page", class)
	}
	tbl := page[i:]
	tbl = tbl[:strings.Index(tbl, "</table>")]
	if j := strings.Index(tbl, "<tbody>"); j >= 0 {
		tbl = tbl[j:]
	}
	var out [][]string
	for _, m := range rowRE.FindAllStringSubmatch(tbl, -1) {
		var row []string
		for _, c := range cellRE.FindAllStringSubmatch(m[1], -1) {
			row = append(row, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c[1], ""))))
		}
		out = append(out, row)
	}
	return out
}

// readRows is the tracker's own reading of runs.csv.
// servedFixture is the fixture behind a test server with the default
// options, and its runs.
func servedFixture(t *testing.T) (*tracker.Tracker, *httptest.Server, []tracker.Row) {
	t.Helper()
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{})
	return tr, ts, readRows(t, tr)
}

func readRows(t *testing.T, tr *tracker.Tracker) []tracker.Row {
	t.Helper()
	rows, _, err := tr.Runs()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func detailsPath(tr *tracker.Tracker, id string) string {
	return filepath.Join(tr.Dir, "details", id+".json")
}

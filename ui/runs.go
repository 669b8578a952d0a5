package ui

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// filter is what the runs page shows, from its query string.
type filter struct {
	Plan, Status, Variant, Model, Config string
	Text                                 string // in name or notes, case-insensitive
	Archived                             bool   // show archived runs too
	Sort                                 string // a column of sortColumns
	Desc                                 bool
	Group                                string // "", "config", "variant", "plan", "model"
	Page                                 int    // from 1
	PerPage                              int
}

const defaultPerPage = 100

func parseFilter(q url.Values) filter {
	f := filter{
		Plan: q.Get("plan"), Status: q.Get("status"), Variant: q.Get("variant"), Model: q.Get("model"),
		Config: q.Get("config"), Text: strings.TrimSpace(q.Get("q")), Archived: q.Get("archived") == "1",
		Sort: q.Get("sort"), Desc: q.Get("desc") == "1", Group: q.Get("group"), PerPage: defaultPerPage,
	}
	if _, ok := sortColumns[f.Sort]; !ok {
		f.Sort, f.Desc = "id", true // newest first: new runs appear on top
		if q.Has("sort") && q.Get("desc") == "0" {
			f.Desc = false
		}
	}
	if _, ok := groupKeys[f.Group]; !ok {
		f.Group = ""
	}
	if f.Group != "" && !q.Has("sort") {
		f.Sort, f.Desc = "key", false // groups in alphabetical order
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(1, f.Page)
	if n, err := strconv.Atoi(q.Get("per")); err == nil && n > 0 {
		f.PerPage = min(n, 1000)
	}
	return f
}

// values is the filter as a query string, without page.
func (f filter) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("plan", f.Plan)
	set("status", f.Status)
	set("variant", f.Variant)
	set("model", f.Model)
	set("config", f.Config)
	set("q", f.Text)
	if f.Archived {
		v.Set("archived", "1")
	}
	if f.Group == "" && (f.Sort != "id" || !f.Desc) || f.Group != "" && (f.Sort != "key" || f.Desc) {
		v.Set("sort", f.Sort)
		v.Set("desc", map[bool]string{true: "1", false: "0"}[f.Desc])
	}
	set("group", f.Group)
	if f.PerPage != defaultPerPage {
		v.Set("per", strconv.Itoa(f.PerPage))
	}
	return v
}

// URL is the runs page with this filter.
func (f filter) URL() string {
	if e := f.values().Encode(); e != "" {
		return "/?" + e
	}
	return "/"
}

// SortURL sorts by col: descending first for scores, flipped when it is
// the current column.
func (f filter) SortURL(col string) string {
	g := f
	g.Page = 1
	if f.Sort == col {
		g.Desc = !f.Desc
	} else {
		g.Sort, g.Desc = col, col != "name" && col != "plan" && col != "variant" && col != "model" && col != "status" && col != "config"
	}
	return g.URL()
}

// SortMark is the arrow shown by the column sorted on.
func (f filter) SortMark(col string) string {
	if f.Sort != col {
		return ""
	}
	if f.Desc {
		return " ▼"
	}
	return " ▲"
}

// PageURL is page n of the same view.
func (f filter) PageURL(n int) string {
	v := f.values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if e := v.Encode(); e != "" {
		return "/?" + e
	}
	return "/"
}

// GroupURL is the same filter grouped by g ("" for no group).
func (f filter) GroupURL(g string) string {
	h := f
	h.Group, h.Page = g, 1
	if g != "" {
		h.Sort, h.Desc = "key", false
	} else {
		h.Sort, h.Desc = "id", true
	}
	return h.URL()
}

// match reports whether row i passes the filter.
func (f *filter) match(r *tracker.Row, v *view, text string) bool {
	return (f.Archived || !r.Archived) &&
		(f.Plan == "" || r.Plan == f.Plan) &&
		(f.Status == "" || r.Status == f.Status) &&
		(f.Variant == "" || r.Variant == f.Variant) &&
		(f.Model == "" || r.ModelType == f.Model) &&
		(f.Config == "" || v.config == f.Config) &&
		(text == "" || strings.Contains(v.text, text))
}

// selectRows lists the indices of the rows that pass the filter.
func (f *filter) selectRows(sn snapshot) []int32 {
	text := strings.ToLower(f.Text)
	out := make([]int32, 0, len(sn.rows))
	for i := range sn.rows {
		if f.match(&sn.rows[i], &sn.views[i], text) {
			out = append(out, int32(i))
		}
	}
	return out
}

// optCmp orders numbers with missing ones last whatever the direction.
func optCmp(a, b *float64, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	if desc {
		return cmp.Compare(*b, *a)
	}
	return cmp.Compare(*a, *b)
}

// sortColumns compare two rows ascending (desc flips, missing stays last).
var sortColumns = map[string]func(a, b *tracker.Row, desc bool) int{
	"id":       func(a, b *tracker.Row, d bool) int { return flip(cmp.Compare(a.Number, b.Number), d) },
	"name":     func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.Name, b.Name), d) },
	"plan":     func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.Plan, b.Plan), d) },
	"variant":  func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.Variant, b.Variant), d) },
	"model":    func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.ModelType, b.ModelType), d) },
	"status":   func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.Status, b.Status), d) },
	"date":     func(a, b *tracker.Row, d bool) int { return flip(strings.Compare(a.Date, b.Date), d) },
	"nfeat":    func(a, b *tracker.Row, d bool) int { return flip(cmp.Compare(a.NFeatures, b.NFeatures), d) },
	"duration": func(a, b *tracker.Row, d bool) int { return flip(cmp.Compare(a.DurationS, b.DurationS), d) },
	"seed": func(a, b *tracker.Row, d bool) int {
		return optCmp(intFloat(a.Seed), intFloat(b.Seed), d)
	},
	"cv":  func(a, b *tracker.Row, d bool) int { return optCmp(a.CVScore, b.CVScore, d) },
	"std": func(a, b *tracker.Row, d bool) int { return optCmp(a.CVStd, b.CVStd, d) },
	"lb":  func(a, b *tracker.Row, d bool) int { return optCmp(a.LBScore, b.LBScore, d) },
	"gap": func(a, b *tracker.Row, d bool) int { return optCmp(a.CVLBGap, b.CVLBGap, d) },
}

func flip(c int, desc bool) int {
	if desc {
		return -c
	}
	return c
}

func intFloat(p *int64) *float64 {
	if p == nil {
		return nil
	}
	f := float64(*p)
	return &f
}

// sortRows orders idx by the filter's column, ties by run number.
func (f *filter) sortRows(sn snapshot, idx []int32) {
	if f.Sort == "id" {
		// Rows are in run order already (ids increase as they are
		// appended); only a hand-edited file breaks it.
		if f.Desc {
			slices.Reverse(idx)
		}
		if !slices.IsSortedFunc(idx, func(a, b int32) int { return flip(cmp.Compare(sn.rows[a].Number, sn.rows[b].Number), f.Desc) }) {
			slices.SortFunc(idx, func(a, b int32) int { return flip(cmp.Compare(sn.rows[a].Number, sn.rows[b].Number), f.Desc) })
		}
		return
	}
	by := sortColumns[f.Sort]
	slices.SortStableFunc(idx, func(a, b int32) int {
		if c := by(&sn.rows[a], &sn.rows[b], f.Desc); c != 0 {
			return c
		}
		return cmp.Compare(sn.rows[a].Number, sn.rows[b].Number)
	})
}

// groupKeys say what a row is grouped by.
var groupKeys = map[string]func(r *tracker.Row, v *view) string{
	"config":  func(r *tracker.Row, v *view) string { return v.config },
	"variant": func(r *tracker.Row, v *view) string { return r.Variant },
	"plan":    func(r *tracker.Row, v *view) string { return r.Plan },
	"model":   func(r *tracker.Row, v *view) string { return r.ModelType },
}

// Agg is count, mean, std (ddof 1, as pandas), min and max of the
// scores present in a group.
type Agg struct {
	N                    int
	Mean, Std, Min, Max  *float64
}

func aggOf(xs []float64) Agg {
	a := Agg{N: len(xs)}
	if len(xs) == 0 {
		return a
	}
	m := stats.Mean(xs)
	lo, hi := slices.Min(xs), slices.Max(xs)
	a.Mean, a.Min, a.Max = &m, &lo, &hi
	if len(xs) > 1 {
		sd := stats.Std(xs, 1)
		if !math.IsNaN(sd) {
			a.Std = &sd
		}
	}
	return a
}

// Group is one line of a grouped runs table.
type Group struct {
	Key     string
	Runs    int
	OK      int
	CV, LB  Agg
	Filter  string // the runs page showing the group's runs
	Example *tracker.Row
}

// groupRows groups the selected rows by the filter's key, in order of the
// group's first run, then sorts the groups.
func (f *filter) groupRows(sn snapshot, idx []int32) []Group {
	key := groupKeys[f.Group]
	type acc struct {
		g      Group
		cv, lb []float64
	}
	pos := map[string]int{}
	var accs []acc
	for _, i := range idx {
		r, v := &sn.rows[i], &sn.views[i]
		k := key(r, v)
		j, ok := pos[k]
		if !ok {
			j = len(accs)
			pos[k] = j
			accs = append(accs, acc{g: Group{Key: k, Example: r}})
		}
		a := &accs[j]
		a.g.Runs++
		if r.Status == "ok" {
			a.g.OK++
		}
		if r.CVScore != nil {
			a.cv = append(a.cv, *r.CVScore)
		}
		if r.LBScore != nil {
			a.lb = append(a.lb, *r.LBScore)
		}
	}
	out := make([]Group, len(accs))
	for j := range accs {
		g := accs[j].g
		g.CV, g.LB = aggOf(accs[j].cv), aggOf(accs[j].lb)
		sub := *f
		sub.Group, sub.Page, sub.Sort, sub.Desc = "", 1, "id", true
		switch f.Group {
		case "config":
			sub.Config = g.Key
		case "variant":
			sub.Variant = g.Key
		case "plan":
			sub.Plan = g.Key
		case "model":
			sub.Model = g.Key
		}
		g.Filter = sub.URL()
		out[j] = g
	}
	by := groupSorts[f.Sort]
	if by == nil {
		by = groupSorts["key"]
	}
	slices.SortStableFunc(out, func(a, b Group) int { return by(&a, &b, f.Desc) })
	return out
}

// groupSorts order groups; the runs table's column names are reused.
var groupSorts = map[string]func(a, b *Group, desc bool) int{
	"key":  func(a, b *Group, d bool) int { return flip(strings.Compare(a.Key, b.Key), d) },
	"id":   func(a, b *Group, d bool) int { return flip(cmp.Compare(a.Example.Number, b.Example.Number), d) },
	"runs": func(a, b *Group, d bool) int { return flip(cmp.Compare(a.Runs, b.Runs), d) },
	"cv":   func(a, b *Group, d bool) int { return optCmp(a.CV.Mean, b.CV.Mean, d) },
	"std":  func(a, b *Group, d bool) int { return optCmp(a.CV.Std, b.CV.Std, d) },
	"lb":   func(a, b *Group, d bool) int { return optCmp(a.LB.Mean, b.LB.Mean, d) },
}

func init() {
	// Group sorts are accepted by the filter too.
	for k := range groupSorts {
		if _, ok := sortColumns[k]; !ok {
			sortColumns[k] = sortColumns["id"]
		}
	}
}

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

// numericKeys give the number a column sorts by (nil: missing, last).
var numericKeys = map[string]func(r *tracker.Row) *float64{
	"cv":  func(r *tracker.Row) *float64 { return r.CVScore },
	"std": func(r *tracker.Row) *float64 { return r.CVStd },
	"lb":  func(r *tracker.Row) *float64 { return r.LBScore },
	"gap": func(r *tracker.Row) *float64 { return r.CVLBGap },
}

// sortRows orders idx by the filter's column, ties by run number. Keys
// are taken out of the rows first: comparing through the rows is several
// times slower on 100,000 of them.
func (f *filter) sortRows(sn snapshot, idx []int32) {
	byNumber := func(a, b int32) int { return flip(cmp.Compare(sn.rows[a].Number, sn.rows[b].Number), f.Desc) }
	if f.Sort == "id" {
		// Rows are in run order already (ids increase as they are
		// appended); only a hand-edited file breaks it.
		if f.Desc {
			slices.Reverse(idx)
		}
		if !slices.IsSortedFunc(idx, byNumber) {
			slices.SortFunc(idx, byNumber)
		}
		return
	}
	if key := numericKeys[f.Sort]; key != nil {
		type kv struct {
			k    float64
			miss bool
			n    int
			i    int32
		}
		kvs := make([]kv, len(idx))
		for j, i := range idx {
			r := &sn.rows[i]
			kvs[j] = kv{n: r.Number, i: i}
			if p := key(r); p != nil {
				kvs[j].k = *p
			} else {
				kvs[j].miss = true
			}
		}
		slices.SortFunc(kvs, func(a, b kv) int {
			if a.miss != b.miss {
				if a.miss {
					return 1
				}
				return -1
			}
			return cmp.Or(flip(cmp.Compare(a.k, b.k), f.Desc), cmp.Compare(a.n, b.n))
		})
		for j := range kvs {
			idx[j] = kvs[j].i
		}
		return
	}
	by := sortColumns[f.Sort]
	slices.SortFunc(idx, func(a, b int32) int {
		return cmp.Or(by(&sn.rows[a], &sn.rows[b], f.Desc), cmp.Compare(sn.rows[a].Number, sn.rows[b].Number))
	})
}

// groupKeys name the group keys of view.keys.
var groupKeys = map[string]int{"config": keyConfig, "variant": keyVariant, "plan": keyPlan, "model": keyModel}

// Agg is count, mean, std (ddof 1, as pandas), min and max of the
// scores present in a group.
type Agg struct {
	N                   int
	Mean, Std, Min, Max *float64
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
	Example *tracker.Row // its first run
	first   int          // order of first appearance
	id      int32        // of its key in the snapshot's names
}

// groupRows groups the selected rows by the filter's key and sorts the
// groups. The scores of all groups go in two arrays, each group's in one
// stretch (a counting sort), rather than in a slice per group: a
// configuration has a few seeds, and 100,000 runs make tens of
// thousands of groups.
func (f *filter) groupRows(sn snapshot, idx []int32) []*Group {
	key := groupKeys[f.Group]
	names := sn.names[key]
	pos := make([]int32, len(names)) // group of each value, +1 (0: none yet)
	groups := make([]Group, 0, len(names))
	of := make([]int32, len(idx)) // the group of each selected row
	ncv, nlb := make([]int, 0, len(names)), make([]int, 0, len(names))
	for j, i := range idx {
		r, v := &sn.rows[i], &sn.views[i]
		id := v.keys[key]
		g := int(pos[id]) - 1
		if g < 0 {
			g = len(groups)
			pos[id] = int32(g + 1)
			groups = append(groups, Group{Key: names[id], Example: r, first: g, id: id})
			ncv, nlb = append(ncv, 0), append(nlb, 0)
		}
		of[j] = int32(g)
		gr := &groups[g]
		gr.Runs++
		if r.Status == "ok" {
			gr.OK++
		}
		if r.CVScore != nil {
			ncv[g]++
		}
		if r.LBScore != nil {
			nlb[g]++
		}
	}
	// Offsets of each group's stretch, then the scores in row order.
	startCV, startLB := offsets(ncv), offsets(nlb)
	cv, lb := make([]float64, startCV[len(groups)]), make([]float64, startLB[len(groups)])
	fillCV, fillLB := slices.Clone(startCV), slices.Clone(startLB)
	for j, i := range idx {
		r, g := &sn.rows[i], of[j]
		if r.CVScore != nil {
			cv[fillCV[g]] = *r.CVScore
			fillCV[g]++
		}
		if r.LBScore != nil {
			lb[fillLB[g]] = *r.LBScore
			fillLB[g]++
		}
	}
	for g := range groups {
		groups[g].CV = aggOf(cv[startCV[g]:startCV[g+1]])
		groups[g].LB = aggOf(lb[startLB[g]:startLB[g+1]])
	}
	out := make([]*Group, len(groups))
	if by := groupSorts[f.Sort]; by != nil && f.Sort != "key" {
		// Pointers are sorted, not the groups: a swap moves 8 bytes, not 150.
		for g := range groups {
			out[g] = &groups[g]
		}
		slices.SortFunc(out, func(a, b *Group) int { return cmp.Or(by(a, b, f.Desc), cmp.Compare(a.first, b.first)) })
		return out
	}
	// By key: each value's rank among all the key's values is known (see
	// ranks), so the groups are placed by rank, with no comparison.
	rank := sn.ranks(key)
	slots := make([]*Group, len(names))
	for g := range groups {
		slots[rank[groups[g].id]] = &groups[g]
	}
	out = out[:0]
	for _, g := range slots {
		if g != nil {
			out = append(out, g)
		}
	}
	if f.Desc {
		slices.Reverse(out)
	}
	return out
}

func offsets(counts []int) []int {
	out := make([]int, len(counts)+1)
	for i, c := range counts {
		out[i+1] = out[i] + c
	}
	return out
}

// FilterURL is the runs page showing a group's runs.
func (f filter) FilterURL(g *Group) string {
	sub := f
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
	return sub.URL()
}

// groupSorts order groups; the runs table's column names are reused
// ("key" is by rank, see groupRows).
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

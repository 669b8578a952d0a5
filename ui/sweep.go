package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// A sweep page shows what `kxrun ablation` and `kxrun seeds` reported
// for a plan, recomputed by study.Summarize and study.SummarizeSeeds from
// the plan's runs in runs.csv: for each variant and seed its latest run
// (archived runs are left out, as in reports).

type sweepInfo struct {
	Plan     string
	Runs     int
	Variants int
	Seeds    []int64
	Seeded   []string // variants with a seed study
	Last     string   // date of the latest run
	Metric   string
}

type sweepsData struct {
	common
	Sweeps []sweepInfo
}

// sweepRows are a plan's runs made by sweeps, in file order.
func sweepRows(sn snapshot, name string) []*tracker.Row {
	var out []*tracker.Row
	for i := range sn.rows {
		r := &sn.rows[i]
		if r.Plan == name && !r.Archived && (r.Source == "ablation" || r.Source == "seeds") {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) sweepsPage(w http.ResponseWriter, r *http.Request) {
	sn := s.state.snapshot()
	d := &sweepsData{common: s.common(sn, "Sweeps", "sweeps")}
	byPlan := map[string]*sweepInfo{}
	variants := map[string]map[string]bool{}
	seeds := map[string]map[int64]bool{}
	var order []string
	for i := range sn.rows {
		r := &sn.rows[i]
		if r.Archived || r.Plan == "" || (r.Source != "ablation" && r.Source != "seeds") {
			continue
		}
		in := byPlan[r.Plan]
		if in == nil {
			in = &sweepInfo{Plan: r.Plan, Metric: r.Metric}
			byPlan[r.Plan] = in
			variants[r.Plan], seeds[r.Plan] = map[string]bool{}, map[int64]bool{}
			order = append(order, r.Plan)
		}
		in.Runs++
		in.Last = r.Date
		if !variants[r.Plan][r.Variant] {
			variants[r.Plan][r.Variant] = true
			in.Variants++
		}
		if r.Seed != nil && !seeds[r.Plan][*r.Seed] {
			seeds[r.Plan][*r.Seed] = true
			in.Seeds = append(in.Seeds, *r.Seed)
		}
		if r.Source == "seeds" && !slices.Contains(in.Seeded, r.Variant) {
			in.Seeded = append(in.Seeded, r.Variant)
		}
	}
	for _, p := range order {
		d.Sweeps = append(d.Sweeps, *byPlan[p])
	}
	s.render(w, "sweeps", "", d)
}

// sweepResult is a plan's sweeps, summarised.
type sweepResult struct {
	gen      uint64
	plan     *plan.Plan
	planNote string
	ablation *study.AblationSummary
	ablNote  string
	seeds    []*study.SeedSummary
}

func (s *Server) sweep(sn snapshot, name string) (*sweepResult, error) {
	s.sweepMu.Lock()
	if c, ok := s.sweeps[name]; ok && c.gen == sn.gen {
		s.sweepMu.Unlock()
		return c, nil
	}
	s.sweepMu.Unlock()
	rows := sweepRows(sn, name)
	if len(rows) == 0 {
		return nil, fmt.Errorf("no sweep of plan %q in the tracker (archived runs are left out)", name)
	}
	res := &sweepResult{gen: sn.gen}
	p, note, err := s.planOf(name, rows)
	if err != nil {
		return nil, err
	}
	res.plan, res.planNote = p, note
	// latest[variant][seed] is the latest run of that variant and seed.
	latest := map[string]map[int64]*tracker.Row{}
	var ablSeeds []int64
	seedStudies := map[string][]int64{}
	var seeded []string
	for _, r := range rows {
		if r.Seed == nil {
			continue
		}
		if latest[r.Variant] == nil {
			latest[r.Variant] = map[int64]*tracker.Row{}
		}
		if _, seen := latest[r.Variant][*r.Seed]; !seen {
			if r.Source == "ablation" && !slices.Contains(ablSeeds, *r.Seed) {
				ablSeeds = append(ablSeeds, *r.Seed)
			}
			seedStudies[r.Variant] = append(seedStudies[r.Variant], *r.Seed)
		}
		if r.Source == "seeds" && !slices.Contains(seeded, r.Variant) {
			seeded = append(seeded, r.Variant)
		}
		latest[r.Variant][*r.Seed] = r
	}
	finished := func(variant string, seed int64) *study.Finished {
		r := latest[variant][seed]
		if r == nil {
			return nil
		}
		return &study.Finished{Record: recordOf(r)}
	}
	if len(ablSeeds) > 0 && p.BaseFeatures != nil {
		ap := *p
		ap.Seeds = orderSeeds(p.Seeds, ablSeeds)
		var fin []*study.Finished
		for _, spec := range ap.Runs() {
			fin = append(fin, finished(spec.Variant.Name, spec.Seed))
		}
		res.ablation = study.Summarize(&ap, fin)
	} else if len(ablSeeds) > 0 {
		res.ablNote = "the features of the plan's variants are unknown (no run of the base variant, and the plan file was not found)"
	}
	for _, v := range seeded {
		seeds := orderSeeds(p.Seeds, seedStudies[v])
		var fin []*study.Finished
		for _, seed := range seeds {
			fin = append(fin, finished(v, seed))
		}
		res.seeds = append(res.seeds, study.SummarizeSeeds(p, v, seeds, fin, 0))
	}
	s.sweepMu.Lock()
	if len(s.sweeps) > 64 {
		clear(s.sweeps)
	}
	s.sweeps[name] = res
	s.sweepMu.Unlock()
	return res, nil
}

// orderSeeds lists seeds in the plan's order, then the others as met.
func orderSeeds(planSeeds, seen []int64) []int64 {
	var out []int64
	for _, s := range planSeeds {
		if slices.Contains(seen, s) {
			out = append(out, s)
		}
	}
	for _, s := range seen {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// recordOf is what the summaries need of a run, from its row: runs.csv is
// the authority, and reading every run's details would not scale.
func recordOf(r *tracker.Row) *tracker.Record {
	return &tracker.Record{RunID: r.RunID, Number: r.Number, Name: r.Name, Plan: r.Plan, Variant: r.Variant,
		Seed: r.Seed, Status: r.Status, Reason: r.Reason, Metric: r.Metric, Direction: r.Direction,
		ModelType: r.ModelType, CVScores: r.CVFolds, CVScore: r.CVScore, CVStd: r.CVStd, LBScore: r.LBScore,
		DurationS: r.DurationS, Notes: r.Notes, Source: r.Source}
}

// planOf is the plan a sweep ran: its file when it can still be found
// and matches the runs (same name, same features for every variant run),
// else rebuilt from the runs' records, with the default significance
// settings. The note says which.
func (s *Server) planOf(name string, rows []*tracker.Row) (*plan.Plan, string, error) {
	// One record per variant: the features of each.
	features := map[string][]string{}
	var last *tracker.Record
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		if _, ok := features[r.Variant]; ok {
			continue
		}
		rec, err := s.tr.Details(r.RunID)
		if err != nil {
			continue
		}
		features[r.Variant] = rec.Features
		if last == nil {
			last = rec
		}
	}
	if last == nil {
		return nil, "", fmt.Errorf("the details of plan %s's runs cannot be read", name)
	}
	if p, file := s.loadPlan(last, name); p != nil && matches(p, features) {
		return p, "plan file " + file, nil
	}
	p := &plan.Plan{Name: name, Path: last.PlanFile, Competition: last.Competition, Metric: last.Metric,
		Direction: plan.Direction(last.Direction), Model: last.ModelType,
		Alpha: plan.DefaultAlpha, MinGain: plan.DefaultMinGain, SeedStdWarn: plan.DefaultSeedStdWarn}
	if p.Direction == "" {
		p.Direction = plan.DefaultDirection
	}
	note := fmt.Sprintf("plan rebuilt from the runs' records (the plan file %s was not found or has changed): α = %g, min_gain = %g, seed_std_warn = %g are the defaults",
		last.PlanFile, p.Alpha, p.MinGain, p.SeedStdWarn)
	base, ok := features["base"]
	if !ok {
		return p, note, nil
	}
	p.BaseFeatures = base
	all := features["all"]
	inBase := set(base)
	groups := map[string][]string{}
	for v, fs := range features {
		switch {
		case strings.HasPrefix(v, "+"):
			groups[v[1:]] = minus(fs, inBase)
		case strings.HasPrefix(v, "-") && all != nil:
			if _, ok := groups[v[1:]]; !ok {
				groups[v[1:]] = minus(all, set(fs))
			}
		}
	}
	// Features of all in no named group (a plan of one group runs only all
	// and base) form one more group.
	named := map[string]bool{}
	for _, fs := range groups {
		for _, f := range fs {
			named[f] = true
		}
	}
	if rest := minus(minus(all, inBase), named); len(rest) > 0 {
		groups["other"] = rest
	}
	pos := map[string]int{}
	for i, f := range all {
		pos[f] = i
	}
	for g, fs := range groups {
		if len(fs) > 0 {
			p.Groups = append(p.Groups, plan.Group{Name: g, Features: fs})
		}
	}
	slices.SortFunc(p.Groups, func(a, b plan.Group) int { return pos[a.Features[0]] - pos[b.Features[0]] })
	return p, note, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func minus(xs []string, drop map[string]bool) []string {
	var out []string
	for _, x := range xs {
		if !drop[x] {
			out = append(out, x)
		}
	}
	return out
}

// loadPlan finds the plan file a run was made from: as recorded (relative
// to where the sweep was started, which may be the tracker's parent or
// the current directory).
func (s *Server) loadPlan(rec *tracker.Record, name string) (*plan.Plan, string) {
	if rec.PlanFile == "" {
		return nil, ""
	}
	cands := []string{rec.PlanFile}
	if !filepath.IsAbs(rec.PlanFile) {
		cands = append(cands, filepath.Join(filepath.Dir(s.tr.Dir), rec.PlanFile))
		if rec.Workdir != "" {
			cands = append(cands, filepath.Join(rec.Workdir, rec.PlanFile))
		}
	}
	for _, c := range cands {
		if _, err := os.Stat(c); err != nil {
			continue
		}
		p, err := plan.Load(c)
		if err == nil && p.Name == name {
			return p, c
		}
	}
	return nil, ""
}

// matches reports whether every variant run has the plan's features.
func matches(p *plan.Plan, features map[string][]string) bool {
	vs := map[string][]string{}
	for _, v := range p.Variants() {
		vs[v.Name] = v.Features
	}
	for v, fs := range features {
		want, ok := vs[v]
		if !ok || !slices.Equal(want, fs) {
			return false
		}
	}
	return true
}

type sweepData struct {
	common
	Plan     string
	PlanNote string
	A        *study.AblationSummary
	ANote    string
	CILevel  string
	Seeds    []*study.SeedSummary
	Best     []*tracker.Row
}

// sweepOf is the sweep a request names, or a 404.
func (s *Server) sweepOf(w http.ResponseWriter, r *http.Request) (snapshot, string, *sweepResult, bool) {
	sn := s.state.snapshot()
	name := r.PathValue("plan")
	res, err := s.sweep(sn, name)
	if err != nil {
		notFound(w, err.Error())
		return sn, name, nil, false
	}
	return sn, name, res, true
}

func (s *Server) sweepPage(w http.ResponseWriter, r *http.Request) {
	sn, name, res, ok := s.sweepOf(w, r)
	if !ok {
		return
	}
	d := &sweepData{common: s.common(sn, "Sweep "+name, "sweeps"), Plan: name, PlanNote: res.planNote,
		A: res.ablation, ANote: res.ablNote, Seeds: res.seeds}
	if a := res.ablation; a != nil {
		d.CILevel = fmt.Sprintf("%g%%", 100*(1-a.Alpha))
		var ok []*tracker.Row
		for _, f := range a.Finished {
			if f != nil && f.Record.CVScore != nil {
				if r, err := sn.find(f.Record.RunID); err == nil {
					ok = append(ok, r)
				}
			}
		}
		d.Best = bestRuns(ok, plan.Direction(a.Direction), 5)
	}
	s.render(w, "sweep", "", d)
}

// bestRuns are the n best by CV, best first.
func bestRuns(rows []*tracker.Row, d plan.Direction, n int) []*tracker.Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b *tracker.Row) int { return betterFirst(d, *a.CVScore, *b.CVScore) })
	return out[:min(n, len(out))]
}

// betterFirst orders scores best first in direction d.
func betterFirst(d plan.Direction, a, b float64) int {
	switch {
	case d.Better(a, b):
		return -1
	case d.Better(b, a):
		return 1
	}
	return 0
}

func (s *Server) sweepFigure(w http.ResponseWriter, r *http.Request) {
	sn, name, res, ok := s.sweepOf(w, r)
	if !ok {
		return
	}
	kind := r.URL.Query().Get("seeds")
	key := fmt.Sprint(sn.gen)
	if kind == "" {
		if res.ablation == nil {
			notFound(w, "no ablation of "+name)
			return
		}
		svg, note, err := s.figs.get("gains/"+name, key, func(p string) error {
			return plots.AblationGains(report.GainsFigure(res.ablation), "", p)
		})
		s.serveSVG(w, svg, note, err)
		return
	}
	for _, ss := range res.seeds {
		if ss.Variant == kind {
			svg, note, err := s.figs.get("seeds/"+name+"/"+kind, key, func(p string) error {
				return plots.SeedScores(report.SeedsFigure(ss), "", p)
			})
			s.serveSVG(w, svg, note, err)
			return
		}
	}
	notFound(w, "no seed study of "+kind)
}

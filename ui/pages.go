package ui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var funcs = template.FuncMap{
	"f5":        func(f *float64) string { return fixed(f, false) },
	"s5":        func(f *float64) string { return fixed(f, true) },
	"v5":        func(f float64) string { return fixed(&f, false) },
	"vs5":       func(f float64) string { return fixed(&f, true) },
	"full":      full,
	"seed":      seedText,
	"secs":      secs,
	"short":     short,
	"add":       func(a, b int) int { return a + b },
	"join":      func(xs []string) string { return strings.Join(xs, ", ") },
	"ptr":       func(f float64) *float64 { return &f },
	"deref":     func(f *float64) float64 { return *f },
	"deref_int": func(n *int) int { return *n },
	"seed_int":  func(n *int) int { return *n },
	"seeds": func(xs []int64) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = strconv.FormatInt(x, 10)
		}
		return strings.Join(parts, ", ")
	},
	"pvalue": report.PValue,
}

// fixed formats a score as the command line does (report's formats):
// 5 decimals, "—" when missing, a sign for differences.
func fixed(f *float64, signed bool) string {
	switch {
	case f == nil:
		return "—"
	case signed:
		return report.Signed(*f)
	}
	return report.Score(f)
}

// full is a number exactly as stored (shortest round-trip form).
func full(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func seedText(s *int64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatInt(*s, 10)
}

func secs(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

func short(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// pages are the templates, each with the layout.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return out
}()

// common is what every page shows around its content.
type common struct {
	Title     string
	Nav       string
	Dir       string
	NRuns     int
	Gen       uint64
	Err       error
	Warnings  []string
	AllowEdit bool
	CSRF      string
}

func (s *Server) common(sn snapshot, title, nav string) common {
	s.state.mu.RLock()
	warnings := slices.Clone(s.state.warnings)
	s.state.mu.RUnlock()
	return common{Title: title, Nav: nav, Dir: s.tr.Dir, NRuns: len(sn.rows), Gen: sn.gen, Err: sn.err,
		Warnings: warnings, AllowEdit: s.opts.AllowEdit, CSRF: s.csrf}
}

// render executes a page (or one of its parts, for live updates) into a
// buffer first, so that a failure gives a clean error page.
func (s *Server) render(w http.ResponseWriter, page, part string, data any) {
	t := pages[page]
	var b bytes.Buffer
	if part == "" {
		part = "layout"
	}
	if err := t.ExecuteTemplate(&b, part, data); err != nil {
		log.Printf("kxrun ui: render %s: %v", page, err)
		http.Error(w, "kxrun ui: could not render the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.runsPage)
	m.HandleFunc("GET /run/{id}", s.runPage)
	m.HandleFunc("GET /run/{id}/fold.svg", s.foldFigure)
	m.HandleFunc("GET /run/{id}/artifact/{kind}", s.artifact)
	m.HandleFunc("GET /run/{id}/log", s.logFile)
	m.HandleFunc("GET /run/{id}/submission/{n}", s.submissionFile)
	m.HandleFunc("POST /run/{id}/lb", s.editLB)
	m.HandleFunc("POST /run/{id}/archive", s.editArchive)
	m.HandleFunc("POST /run/{id}/notes", s.editNotes)
	m.HandleFunc("GET /compare", s.comparePage)
	m.HandleFunc("GET /sweeps", s.sweepsPage)
	m.HandleFunc("GET /sweep/{plan}", s.sweepPage)
	m.HandleFunc("GET /sweep/{plan}/gains.svg", s.sweepFigure)
	m.HandleFunc("GET /leaderboard", s.leaderboardPage)
	m.HandleFunc("GET /leaderboard/{fig}", s.leaderboardFigure)
	m.HandleFunc("GET /live", s.livePage)
	m.HandleFunc("GET /events", s.events)
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux = m
}

// options are the values the runs page's filters offer.
type options struct {
	Plans, Statuses, Variants, Models []string
}

func optionsOf(sn snapshot) options {
	sets := [4]map[string]bool{{}, {}, {}, {}}
	for i := range sn.rows {
		r := &sn.rows[i]
		sets[0][r.Plan] = true
		sets[1][r.Status] = true
		sets[2][r.Variant] = true
		sets[3][r.ModelType] = true
	}
	list := func(m map[string]bool) []string {
		delete(m, "")
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	return options{list(sets[0]), list(sets[1]), list(sets[2]), list(sets[3])}
}

type groupName struct{ Key, Label string }

var groupNames = []groupName{{"config", "configuration"}, {"variant", "variant"}, {"plan", "plan"}, {"model", "model"}}

type runsData struct {
	common
	F           filter
	Opts        options
	GroupNames  []groupName
	GroupLabel  string
	Rows        []*tracker.Row
	Groups      []*Group
	AllGroups   []*Group
	Total       int
	From, To    int
	Pages       int
	PartialURL  string
	ClearConfig string
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	sn := s.state.snapshot()
	d := s.runsData(sn, parseFilter(r.URL.Query()))
	part := ""
	if r.URL.Query().Get("partial") == "1" {
		part = "table"
	}
	s.render(w, "runs", part, d)
}

func (s *Server) runsData(sn snapshot, f filter) *runsData {
	d := &runsData{common: s.common(sn, "Runs", "runs"), F: f, Opts: s.options(sn), GroupNames: groupNames}
	idx := f.selectRows(sn)
	d.Total = len(idx)
	n := len(idx)
	if f.Group != "" {
		d.AllGroups = f.groupRows(sn, idx)
		n = len(d.AllGroups)
		for _, g := range groupNames {
			if g.Key == f.Group {
				d.GroupLabel = g.Key
			}
		}
		d.Title = "Runs by " + d.GroupLabel
	} else {
		f.sortRows(sn, idx)
	}
	d.Pages = max(1, (n+f.PerPage-1)/f.PerPage)
	d.F.Page = min(f.Page, d.Pages)
	from := (d.F.Page - 1) * f.PerPage
	to := min(n, from+f.PerPage)
	if n > 0 {
		d.From, d.To = from+1, to
	}
	if f.Group != "" {
		d.Groups = d.AllGroups[from:to]
	} else {
		d.Rows = make([]*tracker.Row, 0, to-from)
		for _, i := range idx[from:to] {
			d.Rows = append(d.Rows, &sn.rows[i])
		}
	}
	v := d.F.values()
	if d.F.Page > 1 {
		v.Set("page", strconv.Itoa(d.F.Page))
	}
	v.Set("partial", "1")
	d.PartialURL = "/?" + v.Encode()
	c := f
	c.Config = ""
	d.ClearConfig = c.URL()
	return d
}

// options caches the filter values of a generation.
func (s *Server) options(sn snapshot) options {
	s.optMu.Lock()
	defer s.optMu.Unlock()
	if s.optGen != sn.gen || s.opt.Statuses == nil {
		s.opt, s.optGen = optionsOf(sn), sn.gen
	}
	return s.opt
}

func notFound(w http.ResponseWriter, msg string) {
	http.Error(w, "kxrun ui: "+msg, http.StatusNotFound)
}

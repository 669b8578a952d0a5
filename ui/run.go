package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/tracker"
)

// logTailBytes is how much of a run's log its page shows.
const logTailBytes = 16 << 10

type artifactView struct {
	Kind string
	*tracker.Artifact
	Shape string
	URL   string
}

type paramView struct{ Path, Value string }

// submissionView is one submission file; URL is empty when the file is
// outside the tracker, which the dashboard does not serve.
type submissionView struct {
	tracker.Submission
	URL string
}

type runData struct {
	common
	Row       *tracker.Row
	Rec       *tracker.Record
	Show      string // what `kxrun show` prints
	Config    string
	Params    []paramView
	Artifacts []artifactView
	Subs      []submissionView
	LogTail   string
	LogCut    bool
	LogURL    string
	FoldNote  string
	Folds     []float64
}

// record reads a run's details; runs.csv is the authority for what
// changes after logging, as for `kxrun show`.
func (s *Server) record(row *tracker.Row) (*tracker.Record, error) {
	rec, err := s.tr.Details(row.RunID)
	if err != nil {
		return nil, err
	}
	rec.LBScore, rec.Notes = row.LBScore, row.Notes
	return rec, nil
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	sn := s.state.snapshot()
	row, rec, ok := s.runRecord(w, r, sn)
	if !ok {
		return
	}
	d := &runData{common: s.common(sn, row.RunID+" "+row.Name, "runs"), Row: row, Rec: rec, Folds: rec.CVScores}
	var b bytes.Buffer
	report.Show(&b, rec, *row, s.tr.Resolve)
	d.Show = b.String()
	d.Config = s.config(rec)
	flat := report.Flatten(rec.Params)
	for _, k := range slices.Sorted(maps.Keys(flat)) {
		d.Params = append(d.Params, paramView{k, flat[k]})
	}
	for _, kind := range slices.Sorted(maps.Keys(rec.Artifacts)) {
		a := rec.Artifacts[kind]
		d.Artifacts = append(d.Artifacts, artifactView{Kind: kind, Artifact: a, Shape: report.ShapeText(a.Shape),
			URL: "/run/" + row.RunID + "/artifact/" + kind})
	}
	for i, sub := range rec.Submissions {
		v := submissionView{Submission: sub}
		if insideTracker(sub.Path) {
			v.URL = fmt.Sprintf("/run/%s/submission/%d", row.RunID, i+1)
		}
		d.Subs = append(d.Subs, v)
	}
	if rec.Log != "" {
		d.LogTail, d.LogCut = s.tail(rec.Log, logTailBytes)
		d.LogURL = "/run/" + row.RunID + "/log"
	}
	if len(rec.CVScores) == 0 {
		d.FoldNote = "no fold scores"
	}
	s.render(w, "run", "", d)
}

// config is the run's resolved config, kept in its record or, in older
// trackers, in a file of the tracker.
func (s *Server) config(rec *tracker.Record) string {
	if rec.ResolvedConfig != "" {
		return rec.ResolvedConfig
	}
	if rec.Config == "" {
		return ""
	}
	f, err := s.open(rec.Config)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return string(data)
}

// insideTracker is whether a path a record gives names a file of the
// tracker (relative, without ".."); open still refuses symbolic links
// out of it.
func insideTracker(rel string) bool {
	return rel != "" && !path.IsAbs(rel) && fs.ValidPath(path.Clean(rel))
}

// open opens a file of the tracker by the path a record gives, relative
// to the tracker: nothing outside it (no "..", no absolute path, no
// symbolic link out of it) can be opened.
func (s *Server) open(rel string) (*os.File, error) {
	if !insideTracker(rel) {
		return nil, fmt.Errorf("%q is not a path inside the tracker", rel)
	}
	f, err := s.root.Open(path.Clean(rel))
	if err != nil {
		return nil, fmt.Errorf("open %s in the tracker: %w", rel, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a file", rel)
	}
	return f, nil
}

// tail is the end of a file of the tracker, from a line start.
func (s *Server) tail(rel string, n int64) (string, bool) {
	f, err := s.open(rel)
	if err != nil {
		return "(" + err.Error() + ")", false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "(" + err.Error() + ")", false
	}
	off := max(0, fi.Size()-n)
	data, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return "(" + err.Error() + ")", false
	}
	if off > 0 {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD"), off > 0
}

func (s *Server) foldFigure(w http.ResponseWriter, r *http.Request) {
	row, ok := runRow(w, r, s.state.snapshot())
	if !ok {
		return
	}
	folds := row.CVFolds
	key := row.RunID + fmt.Sprint(folds)
	svg, note, err := s.figs.get("folds/"+row.RunID, key, func(p string) error {
		return plots.FoldScores(folds, row.Metric, "", p)
	})
	s.serveSVG(w, svg, note, err)
}

func (s *Server) serveSVG(w http.ResponseWriter, svg []byte, note string, err error) {
	switch {
	case err != nil:
		http.Error(w, "kxrun ui: "+err.Error(), http.StatusInternalServerError)
	case svg == nil:
		notFound(w, "no figure: "+note)
	default:
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(svg)
	}
}

// artifact sends one of the run's own arrays (or any file its record
// lists as an artifact), by kind.
func (s *Server) artifact(w http.ResponseWriter, r *http.Request) {
	row, rec, ok := s.runRecord(w, r, s.state.snapshot())
	if !ok {
		return
	}
	a := rec.Artifacts[r.PathValue("kind")]
	if a == nil {
		notFound(w, fmt.Sprintf("%s has no %q artifact", row.RunID, r.PathValue("kind")))
		return
	}
	s.sendFile(w, r, a.Path)
}

// submissionFile sends the run's n-th submission file (from 1), when it
// is inside the tracker.
func (s *Server) submissionFile(w http.ResponseWriter, r *http.Request) {
	row, rec, ok := s.runRecord(w, r, s.state.snapshot())
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(rec.Submissions) {
		notFound(w, fmt.Sprintf("%s has no submission %q (it has %d)", row.RunID, r.PathValue("n"), len(rec.Submissions)))
		return
	}
	s.sendFile(w, r, rec.Submissions[n-1].Path)
}

func (s *Server) logFile(w http.ResponseWriter, r *http.Request) {
	row, rec, ok := s.runRecord(w, r, s.state.snapshot())
	if !ok {
		return
	}
	if rec.Log == "" {
		notFound(w, row.RunID+" has no log")
		return
	}
	s.sendFile(w, r, rec.Log)
}

// runRow finds the run the request's {id} names in sn, or answers that
// there is none.
func runRow(w http.ResponseWriter, r *http.Request, sn snapshot) (*tracker.Row, bool) {
	row, err := sn.find(r.PathValue("id"))
	if err != nil {
		notFound(w, err.Error())
		return nil, false
	}
	return row, true
}

// runRecord is runRow with the run's record.
func (s *Server) runRecord(w http.ResponseWriter, r *http.Request, sn snapshot) (*tracker.Row, *tracker.Record, bool) {
	row, ok := runRow(w, r, sn)
	if !ok {
		return nil, nil, false
	}
	rec, err := s.record(row)
	if err != nil {
		http.Error(w, "kxrun ui: "+err.Error(), http.StatusInternalServerError)
		return nil, nil, false
	}
	return row, rec, true
}

func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, rel string) {
	f, err := s.open(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			notFound(w, err.Error())
		} else {
			http.Error(w, "kxrun ui: refused: "+err.Error(), http.StatusForbidden)
		}
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "kxrun ui: "+err.Error(), http.StatusInternalServerError)
		return
	}
	name := path.Base(rel)
	w.Header().Set("Content-Type", "application/octet-stream")
	if strings.HasSuffix(name, ".log") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// Edits: each goes through the tracker's locked update, then the state
// is brought up to date before the run's page is shown again.

func (s *Server) editLB(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var score *float64
	if v := strings.TrimSpace(r.PostForm.Get("score")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			http.Error(w, fmt.Sprintf("kxrun ui: LB score %q is not a number (leave it empty to clear the score)", v), http.StatusBadRequest)
			return
		}
		score = &f
	}
	_, err := s.tr.SetLB(id, score)
	s.edited(w, r, id, err)
}

func (s *Server) editArchive(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, err := s.tr.SetArchived([]string{id}, r.PostForm.Get("archived") == "1")
	s.edited(w, r, id, err)
}

func (s *Server) editNotes(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, err := s.tr.SetNotes(id, strings.ReplaceAll(r.PostForm.Get("notes"), "\r\n", "\n"))
	s.edited(w, r, id, err)
}

func (s *Server) edited(w http.ResponseWriter, r *http.Request, id string, err error) {
	if err != nil {
		var unknown *tracker.UnknownRunError
		if errors.As(err, &unknown) {
			notFound(w, err.Error())
			return
		}
		http.Error(w, "kxrun ui: "+err.Error(), http.StatusBadRequest)
		return
	}
	_ = s.state.refresh()
	http.Redirect(w, r, "/run/"+id, http.StatusSeeOther)
}

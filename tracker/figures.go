package tracker

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FigurePaths are the two files of a report figure:
// reports/<name>.png and reports/<name>.svg.
func (t *Tracker) FigurePaths(name string) (png, svg string) {
	return t.path(reportsDir, name+".png"), t.path(reportsDir, name+".svg")
}

// figureKeyPath is where the key of the figure drawn into png is kept:
// a hidden file beside it, reports/.<name>.png.key.
func figureKeyPath(png string) string {
	return filepath.Join(filepath.Dir(png), "."+filepath.Base(png)+".key")
}

// FigureKey is the key the figure in png was last drawn for (what the
// caller chose to identify its data by), "" when none is kept.
func (t *Tracker) FigureKey(png string) string {
	data, err := os.ReadFile(figureKeyPath(png))
	if err != nil {
		return ""
	}
	return string(data)
}

// ForgetFigureKey removes the key of the figure in png, before it is
// drawn again: a figure half redrawn is then never taken as current.
func (t *Tracker) ForgetFigureKey(png string) {
	os.Remove(figureKeyPath(png))
}

// SetFigureKey records that the figure in png now shows key. A key that
// cannot be written only means the figure is drawn again next time, so
// it is not synced and its errors are not reported.
func (t *Tracker) SetFigureKey(png, key string) {
	path := figureKeyPath(png)
	tmp := path + ".tmp"
	if os.WriteFile(tmp, []byte(key), 0o644) == nil {
		os.Rename(tmp, path)
	}
}

// ReportName is the base name, without extension, shared by a report and
// its figures in reports/: the day, then parts, joined by "_":
// <date>_<plan>_<kind> for a sweep, <date>_summary for kxrun report.
func ReportName(t time.Time, parts ...string) string {
	return strings.Join(append([]string{t.Format("2006-01-02")}, parts...), "_")
}

// PartialKind is the kind of report of a sweep that was stopped before
// its end: it goes beside the full report of the day instead of over it.
func PartialKind(kind string, interrupted bool) string {
	if interrupted {
		return kind + "_partial"
	}
	return kind
}

package report

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/tracker"
)

// RunsFigures draws the CV vs LB scatter and the CV history of the visible
// ok runs into the tracker's reports (file names start with base) and returns the markdown
// that embeds them, or says why one could not be drawn, and the files
// written.
func RunsFigures(s *RunsSummary, rows []tracker.Row, tr *tracker.Tracker, base string) (string, []string, error) {
	if s.Direction == "" {
		return "\n## Figures\n\nNo figures: the runs mix maximize and minimize.\n", nil, nil
	}
	var lb []plots.LBPoint
	history := make([]plots.HistoryPoint, 0, len(rows))
	for i := range rows {
		r := &rows[i] // not a copy of each row: they are some 300 bytes
		if r.Status != "ok" || r.Archived || r.CVScore == nil || r.Direction != s.Direction {
			continue
		}
		history = append(history, plots.HistoryPoint{Number: r.Number, CV: *r.CVScore})
		if r.LBScore != nil {
			lb = append(lb, plots.LBPoint{RunID: r.RunID, CV: *r.CVScore, LB: *r.LBScore})
		}
	}
	pearson := math.NaN()
	if s.Correlation != nil && s.Correlation.Pearson != nil {
		pearson = *s.Correlation.Pearson
	}
	var md strings.Builder
	var files []string
	md.WriteString("\n## Figures\n\n")
	figures := []struct {
		title, suffix string
		key           func() string
		draw          func(png, svg string) error
	}{
		{"CV vs LB", "cv_lb", func() string { return lbKey(lb, pearson) },
			func(png, svg string) error { return plots.CVvsLB(lb, pearson, png, svg) }},
		{"CV history", "cv_history", func() string { return historyKey(history, s.Direction) },
			func(png, svg string) error { return plots.CVHistory(history, s.Direction, png, svg) }},
	}
	// The figures are drawn at once, each on its own canvases; the markdown
	// lists them in order.
	type drawn struct {
		png, svg string
		err      error
	}
	results := make([]drawn, len(figures))
	var wg sync.WaitGroup
	for i, f := range figures {
		png, svg := tr.FigurePaths(base + "_" + f.suffix)
		results[i] = drawn{png: png, svg: svg}
		wg.Go(func() {
			key := f.key()
			if upToDate(tr, png, svg, key) {
				return
			}
			// The key goes once the figure is redrawn, or if it cannot be.
			tr.ForgetFigureKey(png)
			if results[i].err = f.draw(png, svg); results[i].err == nil {
				tr.SetFigureKey(png, key)
			}
		})
	}
	wg.Wait()
	for i, f := range figures {
		png, svg, err := results[i].png, results[i].svg, results[i].err
		var nd *plots.NotEnoughDataError
		switch {
		case errors.As(err, &nd):
			fmt.Fprintf(&md, "No %s figure: %s.\n\n", f.title, nd.Reason)
		case err != nil:
			return "", files, fmt.Errorf("draw %s: %w", f.title, err)
		default:
			fmt.Fprintf(&md, "![%s](%s) ([SVG](%s))\n\n", f.title, mdLink(png), mdLink(svg))
			files = append(files, png, svg)
		}
	}
	return md.String(), files, nil
}

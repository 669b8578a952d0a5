package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/kxrun/kxrun/ensemble"
	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/tracker"
)

// WriteOOFCorr draws the heat maps of the Pearson and Spearman matrices
// into the tracker's reports (base_pearson, base_spearman) and writes the
// report that shows them, base.md; it returns the report's path and the
// figures' files. A matrix too small to draw is said so in the report.
func WriteOOFCorr(tr *tracker.Tracker, base string, c *ensemble.Correlations, now time.Time) (string, []string, error) {
	var figures [][2]string
	var saved []string
	for i, m := range [][][]*float64{c.Pearson, c.Spearman} {
		kind := []string{"pearson", "spearman"}[i]
		png, svg := tr.FigurePaths(base + "_" + kind)
		title := []string{"Pearson", "Spearman"}[i] + " correlation of OOF predictions"
		err := plots.OOFCorrelation(c.RunIDs, corrMatrix(m), title, png, svg)
		var nd *plots.NotEnoughDataError
		switch {
		case errors.As(err, &nd):
			figures = append(figures, [2]string{})
		case err != nil:
			return "", nil, err
		default:
			figures = append(figures, [2]string{png, svg})
			saved = append(saved, png, svg)
		}
	}
	md, err := tr.WriteReport(base+".md", OOFCorrMarkdown(c, now, figures))
	if err != nil {
		return "", nil, err
	}
	return md, saved, nil
}

// OOFCorrText prints the Pearson and Spearman matrices as aligned tables.
func OOFCorrText(w io.Writer, c *ensemble.Correlations, st Style) {
	for i, m := range [][][]*float64{c.Pearson, c.Spearman} {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s correlation of the OOF predictions:\n", []string{"Pearson", "Spearman"}[i])
		corrTable(c, m).render(w, st)
	}
	fmt.Fprintln(w, "\nStrong runs that correlate least blend best.")
}

func corrTable(c *ensemble.Correlations, m [][]*float64) *table {
	header := append([]string{"run", "name"}, c.RunIDs...)
	right := make([]bool, len(header))
	for i := 2; i < len(right); i++ {
		right[i] = true
	}
	t := &table{header: header, right: right, shrink: 1}
	for i, row := range m {
		cells := []string{c.RunIDs[i], c.Names[i]}
		for _, v := range row {
			cells = append(cells, corrCell(v))
		}
		t.add("", cells...)
	}
	return t
}

func corrCell(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.4f", *v)
}

// OOFCorrMarkdown is the report of the correlations, with the heat maps
// embedded (figures: Pearson's then Spearman's PNG and SVG, "" when not
// drawn).
func OOFCorrMarkdown(c *ensemble.Correlations, now time.Time, figures [][2]string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# OOF correlations, %s\n\n", now.Format("2006-01-02 15:04"))
	for i, m := range [][][]*float64{c.Pearson, c.Spearman} {
		name := []string{"Pearson", "Spearman"}[i]
		fmt.Fprintf(&b, "## %s\n\n| run | name |", name)
		for _, id := range c.RunIDs {
			fmt.Fprintf(&b, " %s |", id)
		}
		b.WriteString("\n|---|---|")
		for range c.RunIDs {
			b.WriteString("---:|")
		}
		b.WriteString("\n")
		for r, row := range m {
			fmt.Fprintf(&b, "| %s | %s |", c.RunIDs[r], mdEscape(c.Names[r]))
			for _, v := range row {
				fmt.Fprintf(&b, " %s |", corrCell(v))
			}
			b.WriteString("\n")
		}
		if i < len(figures) && figures[i][0] != "" {
			fmt.Fprintf(&b, "\n![%s correlation](%s) ([SVG](%s))\n", name, mdLink(figures[i][0]), mdLink(figures[i][1]))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// corrMatrix is m with undefined cells as NaN, for the figure.
func corrMatrix(m [][]*float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = math.NaN()
			if v != nil {
				out[i][j] = *v
			}
		}
	}
	return out
}

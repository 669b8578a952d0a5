package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Style says how tables are drawn: colour only on a terminal (and never
// with NO_COLOR), and at most Width columns wide (0: no limit).
type Style struct {
	Color bool
	Width int
}

const (
	colorReset = "\x1b[0m"
	colorRed   = "\x1b[31m"
	colorGreen = "\x1b[32m"
	colorDim   = "\x1b[2m"
	colorBold  = "\x1b[1m"
)

// table is an aligned text table; one column may be shortened to fit the
// width (names, which are long and least needed in full).
type table struct {
	header []string
	rows   [][]string
	colors []string // per row
	right  []bool   // right-aligned columns (numbers)
	shrink int      // index of the column to shorten, -1 for none
}

func (t *table) add(color string, cells ...string) {
	t.rows = append(t.rows, cells)
	t.colors = append(t.colors, color)
}

// widths are the column widths after shortening the shrinkable column to
// fit st.Width, and the resulting line width.
func (t *table) widths(st Style) ([]int, int) {
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	total := 2 * (len(widths) - 1)
	for _, wd := range widths {
		total += wd
	}
	if st.Width > 0 && total > st.Width && t.shrink >= 0 {
		cut := min(widths[t.shrink]-8, total-st.Width)
		if cut > 0 {
			widths[t.shrink] -= cut
			total -= cut
		}
	}
	return widths, total
}

// fits reports whether the table fits the style's width.
func (t *table) fits(st Style) bool {
	_, total := t.widths(st)
	return st.Width <= 0 || total <= st.Width
}

func (t *table) render(w io.Writer, st Style) {
	widths, _ := t.widths(st)
	line := func(cells []string, color string) {
		var b strings.Builder
		for i, c := range cells {
			c = shorten(c, widths[i])
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.right != nil && t.right[i] {
				b.WriteString(pad + c)
			} else if i < len(cells)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		s := strings.TrimRight(b.String(), " ")
		if st.Color && color != "" {
			s = color + s + colorReset
		}
		fmt.Fprintln(w, s)
	}
	hc := ""
	if st.Color {
		hc = colorBold
	}
	line(t.header, hc)
	for i, r := range t.rows {
		line(r, t.colors[i])
	}
}

// shorten cuts s to n runes, marking the cut in the middle, where names
// differ least (they share a plan prefix and end with the seed).
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 5 {
		return s
	}
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

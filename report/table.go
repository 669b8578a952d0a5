package report

import (
	"bufio"
	"io"
	"slices"
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
	rows   tableRows // nil: none yet
	right  []bool    // right-aligned columns (numbers)
	shrink int       // index of the column to shorten, -1 for none
	// natural are the widths of the widest cells, nil until computed:
	// fits and render both need them, and a report may have 100,000 rows.
	natural []int
}

// tableRows are a table's rows. Cells are asked for when they are
// measured and when they are written: the table of a report may list
// 100,000 runs, which it need not hold as 900,000 strings.
type tableRows interface {
	len() int
	// cells are row i's, in dst's memory when it has room.
	cells(i int, dst []string) []string
	color(i int) string
}

// cellRows are rows given cell by cell (table.add).
type cellRows struct {
	width  int      // cells per row
	all    []string // row after row
	colors []string // per row
}

func (c *cellRows) len() int                         { return len(c.colors) }
func (c *cellRows) cells(i int, _ []string) []string { return c.all[i*c.width : (i+1)*c.width] }
func (c *cellRows) color(i int) string               { return c.colors[i] }

func (t *table) add(color string, cells ...string) {
	c, ok := t.rows.(*cellRows)
	if !ok {
		c = &cellRows{width: len(t.header)}
		t.rows = c
	}
	c.all = append(c.all, cells...)
	c.colors = append(c.colors, color)
	t.natural = nil
}

func (t *table) len() int {
	if t.rows == nil {
		return 0
	}
	return t.rows.len()
}

// widths are the column widths after shortening the shrinkable column to
// fit st.Width, and the resulting line width.
func (t *table) widths(st Style) ([]int, int) {
	if t.natural == nil {
		t.natural = make([]int, len(t.header))
		for i, h := range t.header {
			t.natural[i] = utf8.RuneCountInString(h)
		}
		cells := make([]string, len(t.header))
		for k := range t.len() {
			for i, c := range t.rows.cells(k, cells) {
				t.natural[i] = max(t.natural[i], utf8.RuneCountInString(c))
			}
		}
	}
	widths := slices.Clone(t.natural)
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

// spaces pads cells without allocating.
var spaces = strings.Repeat(" ", 256)

func appendSpaces(b []byte, n int) []byte {
	for n > len(spaces) {
		b = append(b, spaces...)
		n -= len(spaces)
	}
	return append(b, spaces[:max(n, 0)]...)
}

func (t *table) render(w io.Writer, st Style) {
	widths, _ := t.widths(st)
	// One buffer for every line, written out in large pieces: a write per
	// line to a terminal or pipe is a system call per run.
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	var b []byte
	line := func(cells []string, color string) {
		b = b[:0]
		if st.Color && color != "" {
			b = append(b, color...)
		}
		start := len(b)
		for i, c := range cells {
			c = shorten(Visible(c), widths[i])
			pad := widths[i] - utf8.RuneCountInString(c)
			if i > 0 {
				b = append(b, "  "...)
			}
			if t.right != nil && t.right[i] {
				b = appendSpaces(b, pad)
				b = append(b, c...)
			} else if i < len(cells)-1 {
				b = append(b, c...)
				b = appendSpaces(b, pad)
			} else {
				b = append(b, c...)
			}
		}
		for len(b) > start && b[len(b)-1] == ' ' {
			b = b[:len(b)-1]
		}
		if st.Color && color != "" {
			b = append(b, colorReset...)
		}
		b = append(b, '\n')
		bw.Write(b)
	}
	hc := ""
	if st.Color {
		hc = colorBold
	}
	line(t.header, hc)
	cells := make([]string, len(t.header))
	for i := range t.len() {
		line(t.rows.cells(i, cells), t.rows.color(i))
	}
}

// shorten cuts s to n runes, marking the cut in the middle, where names
// differ least (they share a plan prefix and end with the seed).
func shorten(s string, n int) string {
	if len(s) <= n {
		return s // no more runes than bytes
	}
	r := []rune(s)
	if len(r) <= n || n < 5 {
		return s
	}
	head := (n - 1) / 2
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

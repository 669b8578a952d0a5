package main

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/kxrun/kxrun/report"
)

// styleFor decides how tables are drawn on w: colour and the terminal's
// width only when w is a terminal, and no colour when NO_COLOR is set
// (https://no-color.org). COLUMNS, when set, overrides the width.
func styleFor(w io.Writer) report.Style {
	var st report.Style
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		st.Color = os.Getenv("NO_COLOR") == ""
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			st.Width = width
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		st.Width = n
	}
	return st
}

// visible makes tracker text safe to print on a terminal.
func visible(s string) string { return report.Visible(s) }

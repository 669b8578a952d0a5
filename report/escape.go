package report

import (
	"fmt"
	"strings"
)

// Visible makes text from a tracker safe to print: control characters
// (ESC, OSC and CSI introducers, CR, BS, NUL, newlines...) and the
// invisible characters that reorder text (bidirectional overrides) are
// shown as escapes such as \x1b, so that a run name cannot set the
// terminal's title or clear the screen, and a table keeps its lines.
func Visible(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case invisible(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		} else if c >= 0x80 {
			for _, r := range s[i:] { // rare: look at the runes
				if r >= 0x80 && r <= 0x9f || invisible(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// invisible are format characters that change how the text around them
// is shown: bidirectional embeddings, overrides and isolates.
func invisible(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

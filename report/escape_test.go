package report

import "testing"

func TestVisible(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain name_1", "plain name_1"},
		{"é日本", "é日本"},
		{"a\x1b]0;pwned\x07b", `a\x1b]0;pwned\x07b`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"cr\rbs\bnul\x00", `cr\rbs\x08nul\x00`},
		{"two\nlines\ttab", `two\nlines\ttab`},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"del\x7f", `del\x7f`},
	} {
		if got := Visible(c.in); got != c.want {
			t.Errorf("Visible(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

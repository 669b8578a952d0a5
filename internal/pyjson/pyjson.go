// Package pyjson reads the JSON that Python's json module writes, which
// may contain the non-standard tokens NaN, Infinity and -Infinity.
package pyjson

import "bytes"

// ReplaceNonFinite replaces the bare tokens NaN, Infinity and -Infinity
// outside strings with what repl returns for each, and reports whether
// any was found. Text inside strings is never touched.
func ReplaceNonFinite(b []byte, repl func(token string) string) ([]byte, bool) {
	var out []byte
	changed := false
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			out = append(out, c)
			continue
		}
		matched := false
		for _, tok := range [...]string{"NaN", "Infinity", "-Infinity"} {
			if bytes.HasPrefix(b[i:], []byte(tok)) {
				out = append(out, repl(tok)...)
				i += len(tok) - 1
				changed, matched = true, true
				break
			}
		}
		if !matched {
			out = append(out, c)
		}
	}
	return out, changed
}

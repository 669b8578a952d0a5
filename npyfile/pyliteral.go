package npyfile

import (
	"fmt"
	"strings"
)

// The .npy header is the repr of a Python dict, which numpy reads back with
// ast.literal_eval. This file implements the small subset of Python literal
// syntax that such headers use, so that a header numpy accepts is accepted
// here too, and anything else fails cleanly instead of being guessed at.

type pyKind int

const (
	pyStr pyKind = iota
	pyInt
	pyBool
	pyNone
	pyTuple
	pyList
	pyDict
)

func (k pyKind) String() string {
	switch k {
	case pyStr:
		return "str"
	case pyInt:
		return "int"
	case pyBool:
		return "bool"
	case pyNone:
		return "None"
	case pyTuple:
		return "tuple"
	case pyList:
		return "list"
	case pyDict:
		return "dict"
	}
	return "?"
}

// article names the kind for error messages: "an int", "a tuple", "None".
func (k pyKind) article() string {
	switch k {
	case pyNone:
		return "None"
	case pyInt:
		return "an int"
	}
	return "a " + k.String()
}

// pyValue is one parsed literal. Integers keep their decimal text so that
// out-of-range values can be reported by the caller rather than lost here.
type pyValue struct {
	kind  pyKind
	str   string    // pyStr: decoded value; pyInt: sign and digits, no underscores
	b     bool      // pyBool
	items []pyValue // pyTuple, pyList
	keys  []pyValue // pyDict, parallel to vals
	vals  []pyValue
}

// maxPyDepth bounds nesting; real headers nest at most a few levels (a
// structured descr), and the bound keeps recursion cheap on hostile input.
const maxPyDepth = 32

// maxPyValues bounds how many literals one header may hold. A parsed value
// is ~50 times bigger than its shortest spelling ("1,"), so without a cap a
// 1 MiB header of a long tuple would cost tens of MiB; real headers hold a
// handful of values (numpy itself refuses headers over 10000 bytes).
const maxPyValues = 1 << 14

type pyParser struct {
	s        string
	pos      int
	depth    int
	count    int
	allowLng bool // accept Python 2 "123L" ints, as numpy does for format 1.0/2.0
}

// parsePyLiteral parses s as exactly one Python literal surrounded by
// optional whitespace and comments.
func parsePyLiteral(s string, allowLong bool) (pyValue, error) {
	p := &pyParser{s: s, allowLng: allowLong}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return pyValue{}, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return pyValue{}, p.errorf("unexpected %s after the dict", p.describeHere())
	}
	return v, nil
}

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *pyParser) describeHere() string {
	if p.pos >= len(p.s) {
		return "end of header"
	}
	return fmt.Sprintf("%q", p.s[p.pos])
}

// skipSpace skips what the Python tokenizer ignores inside brackets:
// blanks, newlines and # comments.
func (p *pyParser) skipSpace() {
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; c {
		case ' ', '\t', '\n', '\r', '\f':
			p.pos++
		case '#':
			for p.pos < len(p.s) && p.s[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *pyParser) value() (pyValue, error) {
	p.count++
	if p.count > maxPyValues {
		return pyValue{}, p.errorf("more than %d values", maxPyValues)
	}
	if p.pos >= len(p.s) {
		return pyValue{}, p.errorf("unexpected end of header")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.container('{', '}', pyDict)
	case c == '(':
		return p.container('(', ')', pyTuple)
	case c == '[':
		return p.container('[', ']', pyList)
	case c == '\'' || c == '"':
		return p.str()
	case (c == 'u' || c == 'U') && p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\'' || p.s[p.pos+1] == '"'):
		p.pos++ // u'' is a plain str in Python 3
		return p.str()
	case c == '-' || c == '+' || isDigit(c):
		return p.integer()
	case isIdentStart(c):
		start := p.pos
		for p.pos < len(p.s) && isIdentPart(p.s[p.pos]) {
			p.pos++
		}
		switch word := p.s[start:p.pos]; word {
		case "True":
			return pyValue{kind: pyBool, b: true}, nil
		case "False":
			return pyValue{kind: pyBool}, nil
		case "None":
			return pyValue{kind: pyNone}, nil
		default:
			p.pos = start
			return pyValue{}, p.errorf("unexpected name %q", truncateText(word, 20))
		}
	default:
		return pyValue{}, p.errorf("unexpected %s", p.describeHere())
	}
}

// container parses a dict, tuple or list. A parenthesised single value
// without a trailing comma is that value, not a tuple, exactly as in Python:
// numpy rejects shape "(3)" because it is the int 3.
func (p *pyParser) container(open, close byte, kind pyKind) (pyValue, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxPyDepth {
		return pyValue{}, p.errorf("nesting deeper than %d", maxPyDepth)
	}
	p.pos++ // open
	v := pyValue{kind: kind}
	sawComma := false
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return pyValue{}, p.errorf("unterminated %s: missing %q", kind, close)
		}
		if p.s[p.pos] == close {
			p.pos++
			break
		}
		if n := len(v.items) + len(v.keys); n > 0 && !sawComma {
			return pyValue{}, p.errorf("expected ',' or %q, found %s", close, p.describeHere())
		}
		sawComma = false
		item, err := p.value()
		if err != nil {
			return pyValue{}, err
		}
		if kind == pyDict {
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return pyValue{}, p.errorf("expected ':' in dict, found %s", p.describeHere())
			}
			p.pos++
			p.skipSpace()
			val, err := p.value()
			if err != nil {
				return pyValue{}, err
			}
			v.keys = append(v.keys, item)
			v.vals = append(v.vals, val)
		} else {
			v.items = append(v.items, item)
		}
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			sawComma = true
		}
	}
	if kind == pyTuple && len(v.items) == 1 && !sawComma {
		return v.items[0], nil
	}
	return v, nil
}

// str parses a single- or double-quoted string with the common escapes.
// Triple quotes and raw/bytes prefixes never appear in numpy headers and are
// rejected rather than half-supported.
func (p *pyParser) str() (pyValue, error) {
	q := p.s[p.pos]
	if strings.HasPrefix(p.s[p.pos:], strings.Repeat(string(q), 3)) {
		return pyValue{}, p.errorf("triple-quoted strings are not supported")
	}
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return pyValue{}, p.errorf("unterminated string")
		}
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return pyValue{kind: pyStr, str: b.String()}, nil
		case c == '\n' || c == '\r':
			return pyValue{}, p.errorf("newline inside string")
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				return pyValue{}, p.errorf("unterminated string")
			}
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x':
				if p.pos+2 > len(p.s) || !isHex(p.s[p.pos]) || !isHex(p.s[p.pos+1]) {
					return pyValue{}, p.errorf("bad \\x escape")
				}
				b.WriteRune(rune(unhex(p.s[p.pos])<<4 | unhex(p.s[p.pos+1])))
				p.pos += 2
			default:
				// Python keeps unknown escapes verbatim.
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// integer parses a decimal int with an optional sign and Python's digit
// separators. Other bases never occur in headers.
func (p *pyParser) integer() (pyValue, error) {
	neg := false
	if c := p.s[p.pos]; c == '-' || c == '+' {
		neg = c == '-'
		p.pos++
		p.skipSpace()
	}
	start := p.pos
	for p.pos < len(p.s) && (isDigit(p.s[p.pos]) || p.s[p.pos] == '_') {
		p.pos++
	}
	raw := p.s[start:p.pos]
	if raw == "" {
		return pyValue{}, p.errorf("expected a number, found %s", p.describeHere())
	}
	if raw[0] == '_' || raw[len(raw)-1] == '_' || strings.Contains(raw, "__") {
		return pyValue{}, p.errorf("malformed number %q", truncateText(raw, 20))
	}
	digits := strings.ReplaceAll(raw, "_", "")
	if len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
		return pyValue{}, p.errorf("leading zeros in number %q", truncateText(raw, 20))
	}
	if p.allowLng && p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++
	}
	if p.pos < len(p.s) && (isIdentPart(p.s[p.pos]) || p.s[p.pos] == '.') {
		return pyValue{}, p.errorf("not an integer near %s", p.describeHere())
	}
	if neg {
		digits = "-" + digits
	}
	return pyValue{kind: pyInt, str: digits}, nil
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }
func isHex(c byte) bool        { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// truncateText keeps error messages short when a hostile header holds a
// huge token.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

package runner

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// resultSniffer watches stdout line by line and keeps the last line that is
// a JSON object, so the result can be found without keeping the output.
type resultSniffer struct {
	max      int
	line     []byte
	overflow bool // the current line is longer than max: not a candidate
	last     []byte
	// lastErr says why the last line that looked like a JSON object (and
	// came after any valid one) is not one, to explain a missing result.
	lastErr error
}

func newResultSniffer(max int) *resultSniffer { return &resultSniffer{max: max} }

func (s *resultSniffer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			break
		}
		s.add(p[:i])
		s.endLine()
		p = p[i+1:]
	}
	return n, nil
}

func (s *resultSniffer) add(p []byte) {
	if s.overflow {
		return
	}
	if len(s.line)+len(p) > s.max {
		if first := bytes.TrimLeft(append(s.line, p[:min(len(p), 64)]...), " \t\r"); len(first) > 0 && first[0] == '{' {
			s.lastErr = &LineTooLongError{Max: s.max}
		}
		s.overflow = true
		s.line = s.line[:0]
		return
	}
	s.line = append(s.line, p...)
}

func (s *resultSniffer) endLine() {
	if !s.overflow {
		if cand := bytes.TrimSpace(s.line); looksLikeObject(cand) {
			if _, err := decodeObject(cand); err != nil {
				s.lastErr = pythonHint(cand, err)
			} else {
				s.last = append(s.last[:0], cand...)
				s.lastErr = nil
			}
		}
	}
	s.overflow = false
	if cap(s.line) > 64<<10 {
		s.line = nil // do not pin a huge buffer for the rest of the run
	} else {
		s.line = s.line[:0]
	}
}

// Last returns the last JSON-object line, including an unterminated final
// line.
func (s *resultSniffer) Last() []byte {
	if len(s.line) > 0 || s.overflow {
		s.endLine()
	}
	if s.last == nil {
		return nil
	}
	return append([]byte(nil), s.last...)
}

func looksLikeObject(b []byte) bool {
	return len(b) >= 2 && b[0] == '{' && b[len(b)-1] == '}'
}

// LastErr says why the last line that looked like a JSON object is not
// one, when no valid object came after it; nil otherwise.
func (s *resultSniffer) LastErr() error {
	if len(s.line) > 0 || s.overflow {
		s.endLine()
	}
	return s.lastErr
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// String returns the tail as valid UTF-8 (a cut may split a rune, and
// trainers may print binary garbage).
func (t *tailBuffer) String() string {
	b := t.buf
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}

// LineTooLongError is a line of stdout that starts like a result object
// but is longer than a result line may be.
type LineTooLongError struct{ Max int }

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("the last line that starts like a JSON object is longer than the %d MiB limit of a result line on stdout: write a large result to $KXRUN_RUN_DIR/result.json (up to %d MiB)", e.Max>>20, maxResultFile>>20)
}

// pythonHint adds to a JSON error on data that is a printed Python dict
// (single quotes, True, None) what to print instead.
func pythonHint(data []byte, err error) error {
	if d := bytes.TrimSpace(data); bytes.HasPrefix(d, []byte("{'")) || bytes.Contains(d, []byte(": True")) || bytes.Contains(d, []byte(": None")) {
		return fmt.Errorf("%w (this looks like a printed Python dict: print(json.dumps(result)) writes JSON)", err)
	}
	return err
}

package plan

import (
	"strconv"
	"strings"
)

// Command is how a plan runs its trainer. Exactly one form is set by Parse.
type Command struct {
	Argv  []string // list form: exec'd directly, no shell
	Shell string   // string form: run by /bin/sh -c
}

// IsShell reports whether the command is the string form, run by a shell.
func (c Command) IsShell() bool { return c.Shell != "" }

// Vars are the values substituted for the placeholders {seed} {features}
// {variant} {run_dir} {spec} {techniques}.
type Vars struct {
	Seed       int64
	Features   []string // substituted comma-joined
	Variant    string
	RunDir     string
	Spec       string
	Techniques []string // substituted comma-joined, in plan order
}

// placeholderNames are the words Expand substitutes, in the order the docs
// list them.
var placeholderNames = []string{"seed", "features", "variant", "run_dir", "spec", "techniques"}

func isPlaceholder(w string) bool { return contains(placeholderNames, w) }

func (v Vars) value(word string) string {
	switch word {
	case "seed":
		return strconv.FormatInt(v.Seed, 10)
	case "features":
		return strings.Join(v.Features, ",")
	case "variant":
		return v.Variant
	case "run_dir":
		return v.RunDir
	case "spec":
		return v.Spec
	case "techniques":
		return strings.Join(v.Techniques, ",")
	}
	panic("plan: unknown placeholder " + word) // callers only pass placeholderNames
}

// Expand substitutes the placeholders and returns the command to run.
//
// In Argv each element is substituted as it is: features comma-joined, no
// quoting, since no shell sees it.
//
// In Shell every substituted value is single-quoted POSIX-style, so a value
// can never inject shell code (as long as the script does not itself
// re-evaluate it, as eval or sh -c would). Expand follows the quoting of the
// script: a placeholder written inside '...' or "..." closes that quote
// around the value and reopens it, so "--out={run_dir}/x" works as expected.
// Placeholders in comments are left alone, and so are placeholders where no
// quoting is safe (inside ${...}, $((...)), backquotes, or after a
// here-document or another construct whose quoting Expand does not follow);
// Parse rejects commands that have those.
//
// Unknown {words} and other braces are left untouched; in Shell, ${name}
// is the shell's own and never a placeholder.
func (c Command) Expand(v Vars) Command {
	out := Command{Shell: c.Shell}
	if c.Argv != nil {
		out.Argv = make([]string, len(c.Argv))
		for i, a := range c.Argv {
			out.Argv[i] = splice(a, argPlaceholders(a), v)
		}
	}
	if c.Shell != "" {
		out.Shell = splice(c.Shell, shellPlaceholders(c.Shell), v)
	}
	return out
}

// splice replaces each placeholder of s with its value, quoted for the
// placeholder's context.
func splice(s string, phs []placeholder, v Vars) string {
	if len(phs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, ph := range phs {
		b.WriteString(s[last:ph.start])
		last = ph.end
		val := v.value(ph.word)
		switch ph.ctx {
		case ctxRaw:
			b.WriteString(val)
		case ctxPlain:
			b.WriteString(shellQuote(val))
		case ctxSingle:
			// Close the user's quote, add ours, reopen theirs.
			b.WriteString("'" + shellQuote(val) + "'")
		case ctxDouble:
			b.WriteString(`"` + shellQuote(val) + `"`)
		default:
			b.WriteString(s[ph.start:ph.end])
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// String renders the command for humans and logs: the list form as
// shell-quoted words joined by spaces (so it can be pasted into a shell),
// the string form as it is.
func (c Command) String() string {
	if c.IsShell() {
		return c.Shell
	}
	words := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		words[i] = quoteIfNeeded(a)
	}
	return strings.Join(words, " ")
}

// shellQuote single-quotes s for a POSIX shell: inside single quotes
// nothing is special, and each single quote in s ends the quoted text, is
// written backslash-escaped, and starts a new quoted text.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteIfNeeded(s string) string {
	if s == "" {
		return "''"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(nameByte(c) || strings.IndexByte("@%+=:,/", c) >= 0) {
			return shellQuote(s)
		}
	}
	return s
}

// quoteCtx is where a placeholder stands, which decides how its value is
// quoted.
type quoteCtx int

const (
	ctxRaw    quoteCtx = iota // list form: no shell, no quoting
	ctxPlain                  // shell, unquoted
	ctxSingle                 // shell, inside '...'
	ctxDouble                 // shell, inside "..." (directly, not in ${...})
	ctxUnsafe                 // shell, where no quoting is known to be safe
)

// placeholder is one {word} in a command string: s[start:end] == "{word}".
type placeholder struct {
	start, end int
	word       string
	ctx        quoteCtx
}

// matchPlaceholder reports the placeholder that starts at s[i] == '{'.
func matchPlaceholder(s string, i int) (placeholder, bool) {
	j := i + 1
	for j < len(s) && ('a' <= s[j] && s[j] <= 'z' || s[j] == '_') {
		j++
	}
	if j < len(s) && s[j] == '}' && isPlaceholder(s[i+1:j]) {
		return placeholder{start: i, end: j + 1, word: s[i+1 : j]}, true
	}
	return placeholder{}, false
}

// argPlaceholders finds the placeholders of one list-form argument.
func argPlaceholders(s string) []placeholder {
	var out []placeholder
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if ph, ok := matchPlaceholder(s, i); ok {
			ph.ctx = ctxRaw
			out = append(out, ph)
			i = ph.end - 1
		}
	}
	return out
}

// braceWords returns every {word} of s that is not a shell ${word}, for
// spotting misspelt placeholders.
func braceWords(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '{' || i > 0 && s[i-1] == '$' {
			continue
		}
		j := i + 1
		for j < len(s) && (nameByte(s[j]) && s[j] != '.') {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == '}' {
			out = append(out, s[i+1:j])
			i = j
		}
	}
	return out
}

// frame is one level of shell syntax that changes how text is quoted.
type frame int

const (
	fTop       frame = iota // the script itself
	fSub                    // ( ... ) subshell
	fCmdSub                 // $( ... )
	fSingle                 // '...'
	fDouble                 // "..."
	fParam                  // ${ ... }
	fArith                  // $(( ... )) or (( ... ))
	fBackquote              // `...`
	fComment                // # ... up to the end of the line
)

// shellPlaceholders finds the placeholders of a shell script and the
// quoting context of each.
//
// It follows the POSIX quoting rules that matter for splicing a quoted value
// in: quotes, backslashes, comments, $( ) and ( ) nesting. Where the rules
// get murky or shells disagree (here-documents, $'...', case patterns
// inside parentheses, quotes inside ${...}) it stops trusting its own view
// of the script and marks every later placeholder unsafe, so a wrong guess
// can only refuse a command, never let a value escape its quotes.
//
// The grammar it follows, one frame per level of nesting:
//
//	unquoted (script, ( ), $( )):  \x  '...'  "..."  `...`  #comment
//	                               $'...'  $(( ))  (( ))  $( )  ${ }  ( )
//	                               <<here-doc  case  {placeholder}
//	'...':                         up to the next ', nothing escapes
//	"...", ${ }, $(( )):           \x  "..."  $(( ))  $( )  ${ }  `...`
//	                               {placeholder}; ' is unsafe outside "..."
//	`...`:                         \x, up to the next `
//	#comment:                      up to the end of the line
func shellPlaceholders(s string) []placeholder {
	l := &shellLexer{s: s, stack: []frame{fTop}, depth: []int{0}}
	for i := 0; i < len(s); {
		switch top := l.top(); top {
		case fSingle:
			i = l.single(i)
		case fComment:
			i = l.comment(i)
		case fBackquote:
			i = l.backquote(i)
		case fDouble, fParam, fArith:
			i = l.nested(i, top)
		default: // fTop, fSub, fCmdSub
			i = l.unquoted(i, top)
		}
	}
	return l.out
}

// shellLexer is the state of shellPlaceholders: each step method reads the
// script from s[i] in the frame on top of the stack and returns where the
// next step starts.
type shellLexer struct {
	s            string
	out          []placeholder
	stack        []frame
	depth        []int // open parentheses inside each fArith frame
	unsafeFrames int   // fParam, fArith and fBackquote frames on the stack
	confused     bool  // the lexer no longer trusts its view of the script
}

func isUnsafeFrame(f frame) bool { return f == fParam || f == fArith || f == fBackquote }

func (l *shellLexer) top() frame { return l.stack[len(l.stack)-1] }

func (l *shellLexer) push(f frame) {
	l.stack = append(l.stack, f)
	l.depth = append(l.depth, 0)
	if isUnsafeFrame(f) {
		l.unsafeFrames++
	}
}

func (l *shellLexer) pop() {
	if len(l.stack) > 1 {
		if isUnsafeFrame(l.top()) {
			l.unsafeFrames--
		}
		l.stack = l.stack[:len(l.stack)-1]
		l.depth = l.depth[:len(l.depth)-1]
	}
}

func (l *shellLexer) at(i int, prefix string) bool { return strings.HasPrefix(l.s[i:], prefix) }

// brace handles s[i] == '{': it records a placeholder there in context ctx
// (or ctxUnsafe inside an unsafe frame or once confused) and returns the
// index after it, or i+1 if the brace starts no placeholder.
func (l *shellLexer) brace(i int, ctx quoteCtx) int {
	ph, ok := matchPlaceholder(l.s, i)
	if !ok {
		return i + 1
	}
	if l.unsafeFrames > 0 || l.confused {
		ctx = ctxUnsafe
	}
	ph.ctx = ctx
	l.out = append(l.out, ph)
	return ph.end
}

// single steps inside '...'.
func (l *shellLexer) single(i int) int {
	switch l.s[i] {
	case '\'':
		l.pop()
	case '{':
		return l.brace(i, ctxSingle)
	}
	return i + 1
}

// comment steps inside a # comment.
func (l *shellLexer) comment(i int) int {
	if l.s[i] == '\n' {
		l.pop()
	}
	return i + 1
}

// backquote steps inside `...`.
func (l *shellLexer) backquote(i int) int {
	switch l.s[i] {
	case '\\':
		return i + 2
	case '`':
		l.pop()
	case '{':
		return l.brace(i, ctxUnsafe)
	}
	return i + 1
}

// nested steps inside "...", ${...} or $((...)), which share their escapes
// and expansions.
func (l *shellLexer) nested(i int, top frame) int {
	c := l.s[i]
	switch {
	case c == '\\':
		return i + 2
	case c == '"' && top == fDouble:
		l.pop()
	case c == '"':
		l.push(fDouble)
	case c == '\'' && top != fDouble:
		// Shells disagree on quotes inside ${...}; see shellPlaceholders.
		l.confused = true
	case c == '}' && top == fParam:
		l.pop()
	case c == '(' && top == fArith:
		l.depth[len(l.depth)-1]++
	case c == ')' && top == fArith:
		return l.closeArith(i)
	case c == '{':
		return l.brace(i, ctxDouble)
	default:
		if end, ok := l.expansion(i); ok {
			return end
		}
	}
	return i + 1
}

// expansion opens the $((...)), $(...), ${...} or `...` that starts at
// s[i], if one does, and returns the index after its opening.
func (l *shellLexer) expansion(i int) (int, bool) {
	switch {
	case l.at(i, "$(("):
		l.push(fArith)
		return i + 3, true
	case l.at(i, "$("):
		l.push(fCmdSub)
		return i + 2, true
	case l.at(i, "${"):
		l.push(fParam)
		return i + 2, true
	case l.s[i] == '`':
		l.push(fBackquote)
		return i + 1, true
	}
	return i, false
}

// closeArith handles ')' inside $((...)): it closes an inner parenthesis,
// or else the arithmetic, which must end in "))".
func (l *shellLexer) closeArith(i int) int {
	if d := &l.depth[len(l.depth)-1]; *d > 0 {
		*d--
		return i + 1
	}
	if !l.at(i, "))") {
		l.confused = true
	}
	l.pop()
	return i + 2
}

// unquoted steps through unquoted shell text: the script itself, a ( )
// subshell or a $( ) command substitution.
func (l *shellLexer) unquoted(i int, top frame) int {
	s, c := l.s, l.s[i]
	wordStart := i == 0 || strings.IndexByte(" \t\n;&|()<>", s[i-1]) >= 0
	switch {
	case c == '\\':
		return i + 2
	case c == '\'':
		l.push(fSingle)
	case c == '"':
		l.push(fDouble)
	case c == '#' && wordStart:
		l.push(fComment)
	case l.at(i, "$'"):
		// ANSI-C quoting in bash, plain '...' in other shells.
		l.confused = true
		l.push(fSingle)
		return i + 2
	case l.at(i, "(("):
		// (( is arithmetic in bash and two subshells in dash: treat it as
		// the riskier one.
		l.push(fArith)
		return i + 2
	case c == '(':
		l.push(fSub)
	case c == ')':
		if top != fTop {
			l.pop()
		}
	case l.at(i, "<<"):
		// Here-document bodies have quoting rules of their own.
		l.confused = true
		return i + 2
	case top != fTop && wordStart && l.at(i, "case") && i+4 < len(s) && strings.IndexByte(" \t\n", s[i+4]) >= 0:
		// Patterns like "a)" would close the parenthesis early.
		l.confused = true
		return i + 4
	case c == '{':
		return l.brace(i, ctxPlain)
	default:
		if end, ok := l.expansion(i); ok {
			return end
		}
	}
	return i + 1
}

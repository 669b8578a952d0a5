package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kxrun/kxrun/internal/suggest"
)

// Error is one problem in a plan, located in the file.
//
// Line and Column are 1-based; 0 means unknown (the message then names only
// the file, or the file and line).
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
	Hint   string // optional advice, e.g. `did you mean "seeds"?`
}

// Error formats the problem as "file:line:col: msg", followed by
// "\n  hint: ..." when there is a hint.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n  hint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// ErrorList is every problem found in a plan. Load and Parse return it as
// an error (a *ErrorList) when there is at least one.
type ErrorList []*Error

// Error lists the problems one per line (hints on their own indented line).
func (l *ErrorList) Error() string {
	if l == nil || len(*l) == 0 {
		return "no errors"
	}
	msgs := make([]string, len(*l))
	for i, e := range *l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the single problems to errors.As and errors.Is.
func (l *ErrorList) Unwrap() []error {
	if l == nil {
		return nil
	}
	errs := make([]error, len(*l))
	for i, e := range *l {
		errs[i] = e
	}
	return errs
}

// sortByPosition orders problems as they appear in the file, so a long list
// reads top to bottom; problems without a position come first.
func sortByPosition(l []*Error) {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Column < l[j].Column
	})
}

// keyAliases maps names people commonly write (from other tools, or by
// guessing) to the plan key they mean, for did-you-mean hints that edit
// distance alone would miss.
var keyAliases = map[string]string{
	"cmd":          "command",
	"features":     "base_features",
	"base":         "base_features",
	"groups":       "feature_groups",
	"n_jobs":       "jobs",
	"workers":      "jobs",
	"parallel":     "jobs",
	"cwd":          "workdir",
	"dir":          "workdir",
	"environment":  "env",
	"hyperparams":  "params",
	"retry":        "retries",
	"max_retries":  "retries",
	"significance": "alpha",
	"gpu":          "gpus",
	"files":        "inputs",
}

// closestName returns the candidate closest to s, or "" when none is close
// enough to be a plausible typo.
func closestName(s string, candidates []string) string {
	ls := strings.ToLower(s)
	if a, ok := keyAliases[ls]; ok && contains(candidates, a) {
		return a
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		// Allow about one edit per three characters, at least two, so short
		// words do not match everything.
		limit := max(2, len(c)/3)
		d := limit + 1
		if abs(len(ls)-len(c)) <= limit { // else the distance is too large anyway
			d = suggest.Distance(ls, strings.ToLower(c))
		}
		if d > limit {
			// A long enough fragment of a key ("group" in "feature_groups")
			// is still a good guess.
			if len(ls) >= 4 && strings.Contains(strings.ToLower(c), ls) {
				d = limit
			} else {
				continue
			}
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

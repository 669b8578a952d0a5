package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

// Exit statuses. They are documented in the README; keep them in step.
const (
	exitOK          = 0
	exitRunsFailed  = 1   // the sweep finished but some run failed
	exitUsage       = 2   // bad plan, arguments or settings: nothing ran
	exitStorage     = 3   // the tracker could not be written or read
	exitGroupsHurt  = 4   // --fail-on hurts: a feature group makes the score worse
	exitInterrupted = 130 // Ctrl-C or SIGTERM
)

// hinted is an error with a suggestion of what to do, printed after it as
// "Try: ...". A usage error (a mistake in how kxrun was called: arguments,
// flags, settings) also means exit status 2; other hinted errors take the
// status of the error they wrap.
type hinted struct {
	err   error
	hint  string
	usage bool
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

// Is makes errors.Is(err, errUsage) find a usage error anywhere in err's
// chain, also under a hinted error that is not one.
func (e *hinted) Is(target error) bool { return target == errUsage && e.usage }

// errUsage is matched by every usage error; see hinted.Is.
var errUsage = errors.New("usage error")

// usagef returns a usage error with a hint.
func usagef(hint, format string, args ...any) error {
	return &hinted{err: fmt.Errorf(format, args...), hint: hint, usage: true}
}

// withHint adds a hint to err without changing its exit status.
func withHint(err error, hint string) error {
	return &hinted{err: err, hint: hint}
}

// hintOf returns the hint to print for err: the first usage error's, else
// the first hinted error's.
func hintOf(err error) string {
	first := ""
	for {
		var h *hinted
		if !errors.As(err, &h) {
			return first
		}
		if h.usage && h.hint != "" {
			return h.hint
		}
		if first == "" {
			first = h.hint
		}
		err = h.err
	}
}

// groupsHurtError ends an ablation run with --fail-on hurts.
type groupsHurtError struct{ variants []string }

func (e *groupsHurtError) Error() string {
	return "feature groups or techniques hurt the score: " + strings.Join(e.variants, ", ")
}

// errRunsFailed ends a sweep in which some run failed; the runs are logged.
var errRunsFailed = errors.New("some runs failed")

// exitCode is the one place where errors become exit statuses.
func exitCode(err error) int {
	var pe *plan.ErrorList
	var unknown *tracker.UnknownRunError
	var ambiguous *tracker.AmbiguousRunError
	var status *exitStatusError
	var unknownSweep *tracker.UnknownSweepError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &status):
		return status.code
	case errors.Is(err, runner.ErrInterrupted):
		return exitInterrupted
	case errors.Is(err, errRunsFailed), errors.As(err, new(*study.FailFastError)), errors.Is(err, errDoctorProblems):
		return exitRunsFailed
	case errors.As(err, new(*groupsHurtError)):
		return exitGroupsHurt
	case errors.Is(err, errUsage), errors.As(err, &pe), errors.As(err, &unknown), errors.As(err, &ambiguous), errors.As(err, &unknownSweep):
		return exitUsage
	}
	return exitStorage
}

// printError writes an error for people: what went wrong, then what to do.
func printError(w io.Writer, err error) {
	switch {
	case errors.Is(err, errRunsFailed), errors.Is(err, errDoctorProblems), errors.As(err, new(*exitStatusError)):
		return // the summary (or the run's log) already said what and why
	case errors.Is(err, runner.ErrInterrupted):
		fmt.Fprintln(w, "kxrun: interrupted; runs that finished are logged, cancelled ones are recorded as cancelled.")
		return
	}
	var pe *plan.ErrorList
	if errors.As(err, &pe) {
		fmt.Fprintf(w, "Error: the plan has %d problem(s); nothing was run.\n", len(*pe))
		for _, e := range *pe {
			fmt.Fprintln(w, "  "+strings.ReplaceAll(e.Error(), "\n", "\n  "))
		}
		return
	}
	fmt.Fprintf(w, "Error: %v\n", err)
	hint := hintOf(err)
	switch {
	case hint != "":
		fmt.Fprintf(w, "Try: %s\n", hint)
	case errors.As(err, new(*tracker.UnknownRunError)):
		fmt.Fprintln(w, "Try: kxrun report --all, to list the runs")
	case errors.As(err, new(*study.FailFastError)):
		fmt.Fprintln(w, "Try: fix that and run the same command again (the failed runs are logged), or pass --keep-going to start every run anyway")
	}
}

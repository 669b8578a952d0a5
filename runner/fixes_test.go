package runner

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestGrandchildOutOfTheGroupIsNotLeftBehind: a grandchild that calls
// setsid leaves the trainer's process group, so killing the group missed
// it; it outlived the sweep (and could rewrite the run's arrays after they
// were validated). It carries the run's KXRUN_RUN_DIR, which finds it.
func TestGrandchildOutOfTheGroupIsNotLeftBehind(t *testing.T) {
	start := time.Now()
	pid := grandchildLeft(t, "setsid-grandchild")
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && !strings.Contains(string(st), ") Z ") {
		t.Errorf("grandchild %d outside the process group still runs after the run", pid)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the run took %s: the grandchild should get SIGTERM at once", took)
	}
}

// TestReasonIsCleanText: the reason quotes the trainer's last stderr line;
// cut inside a multi-byte rune it put invalid UTF-8 into runs.csv (which
// pandas then cannot read at all), and control characters went through.
func TestReasonIsCleanText(t *testing.T) {
	for _, tail := range []string{
		"Error: " + strings.Repeat("é", 150) + "\n",
		"Error: " + strings.Repeat("中", 100),
		"Error:\x00 bad \x1b[31mred\x1b[0m\r overwritten \x07\n",
		strings.Repeat("a", 199) + "€",
	} {
		got := withStderr("exit status 1", tail)
		if !utf8.ValidString(got) {
			t.Errorf("withStderr(%q) = %q: not valid UTF-8", tail, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Errorf("withStderr(%q) = %q: holds control character %U", tail, got, r)
			}
		}
	}
	// Found by FuzzParseResult: invalid UTF-8 inside the JSON is quoted.
	if _, err := ParseResult([]byte("{\"cv_scores\":[{\"\xa9\":0}]}")); err == nil || !utf8.ValidString(err.Error()) {
		t.Errorf("reason %q is not valid UTF-8", err)
	}
	if got := truncate("ab€", 3); got != "ab…" {
		t.Errorf("truncate cut inside a rune: %q", got)
	}
}

// TestDeeplyNestedParamsAreRefused: params nested thousands of levels deep
// were accepted, and the indented details grew with the square of the
// depth (a 30 KB result line gave a 50 MB details file).
func TestDeeplyNestedParamsAreRefused(t *testing.T) {
	nest := func(n int) string {
		return `{"cv_scores": [0.5], "params": ` + strings.Repeat(`{"a":`, n) + "[1]" + strings.Repeat("}", n) + "}"
	}
	if _, err := ParseResult([]byte(nest(99))); err != nil {
		t.Errorf("99 levels: %v", err)
	}
	for _, n := range []int{100, 5000} {
		_, err := ParseResult([]byte(nest(n)))
		if err == nil || err.Error() != "params are nested more than 100 levels deep" {
			t.Errorf("%d levels: err = %v", n, err)
		}
	}
}

// TestMalformedResultLineIsNamed: a trainer whose result line has a
// duplicate key (or is nested too deep for encoding/json) failed with "no
// result: ... printed no JSON object on stdout", which is not what it did.
func TestMalformedResultLineIsNamed(t *testing.T) {
	tests := []struct{ out, want string }{
		{"{\"cv_scores\": [1], \"cv_scores\": [2]}\n", `stdout: malformed result JSON: duplicate key "cv_scores" (in the last line that looks like a JSON object)`},
		{"{\"cv_scores\": [1]}\n{\"cv_scores\": [1], \"cv_scores\": [2]}\n", ""}, // an earlier valid line still counts
		{"{\"cv_scores\": [1], \"cv_scores\": [2]}\n{\"cv_scores\": [1]}\n", ""},
		{"{epoch 1}\n", "stdout: malformed result JSON: not valid JSON (in the last line that looks like a JSON object)"},
		{"done\n", "no result: the command wrote no result.json and printed no JSON object on stdout"},
	}
	for _, tt := range tests {
		s := newResultSniffer(1 << 20)
		s.Write([]byte(tt.out))
		_, _, err := findResult(t.TempDir(), s.Last(), s.LastErr())
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("output %q: got %q, want %q", tt.out, got, tt.want)
		}
	}
}

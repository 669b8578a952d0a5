package runner

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ptr[T any](v T) *T { return &v }

func TestParseResult(t *testing.T) {
	tests := []struct {
		name, in string
		want     *TrainerResult
		err      string
	}{
		{name: "minimal", in: `{"cv_scores": [0.5, 0.25]}`, want: &TrainerResult{CVScores: []float64{0.5, 0.25}}},
		{name: "full", in: `{"cv_scores": [1e-3], "oof": "o.npy", "test": "/t.npy", "params": {"a": {"b": 1}}, "metrics": {"ll": 0.3}, "lb_score": 0.0, "notes": "n", "extra": [1]}`,
			want: &TrainerResult{CVScores: []float64{1e-3}, OOF: "o.npy", Test: "/t.npy", Params: map[string]any{"a": map[string]any{"b": 1.0}},
				Metrics: map[string]float64{"ll": 0.3}, LBScore: ptr(0.0), Notes: "n"}},
		{name: "null lb", in: `{"cv_scores": [1], "lb_score": null, "oof": null}`, want: &TrainerResult{CVScores: []float64{1}}},
		{name: "missing scores", in: `{"oof": "x"}`, err: "result has no cv_scores"},
		{name: "empty scores", in: `{"cv_scores": []}`, err: "cv_scores is empty"},
		{name: "scores not list", in: `{"cv_scores": 0.8}`, err: "cv_scores is not a list"},
		{name: "nan", in: `{"cv_scores": [NaN]}`, err: "cv_scores[0] is NaN"},
		{name: "infinity", in: `{"cv_scores": [0.1, -Infinity]}`, err: "cv_scores[1] is -Infinity"},
		{name: "string score", in: `{"cv_scores": ["0.8"]}`, err: `cv_scores[0] is not a number ("0.8")`},
		{name: "string NaN is not a NaN token", in: `{"cv_scores": ["NaN"]}`, err: `cv_scores[0] is not a number ("NaN")`},
		{name: "null score", in: `{"cv_scores": [null]}`, err: "cv_scores[0] is not a number (null)"},
		{name: "overflow", in: `{"cv_scores": [1e999]}`, err: "cv_scores[0] is out of range (1e999)"},
		{name: "mean overflows", in: `{"cv_scores": [1.7976931348623157e308, 1.7976931348623157e308]}`, err: "cv_scores are too large to average"},
		{name: "malformed", in: `{"cv_scores": [0.8,]}`, err: "malformed result JSON"},
		{name: "array", in: `[1, 2]`, err: "malformed result JSON"},
		{name: "duplicate key", in: `{"cv_scores": [1], "cv_scores": [2]}`, err: `malformed result JSON: duplicate key "cv_scores"`},
		{name: "params not object", in: `{"cv_scores": [1], "params": [1]}`, err: "params is not a JSON object"},
		{name: "metric not number", in: `{"cv_scores": [1], "metrics": {"a": "x"}}`, err: `metrics.a is not a number ("x")`},
		{name: "oof not string", in: `{"cv_scores": [1], "oof": 3}`, err: "oof is not a string"},
		{name: "NaN inside a string stays text", in: `{"cv_scores": [NaN], "notes": "NaN Infinity"}`, err: "cv_scores[0] is NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResult([]byte(tt.in))
			if tt.err != "" {
				var re *ResultError
				if err == nil || !errors.As(err, &re) || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultSnifferKeepsLastJSONLine(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   string
	}{
		{"last object line", []string{"{\"cv_scores\": [1]}\n", "progress\n", "{\"cv_scores\": [2]}\nbye\n"}, `{"cv_scores": [2]}`},
		{"split across writes", []string{"{\"cv_sc", "ores\": [3]}", "\n"}, `{"cv_scores": [3]}`},
		{"unterminated last line", []string{"x\n{\"a\": 1}"}, `{"a": 1}`},
		{"python dict repr is not JSON", []string{"{\"a\": 1}\n{'b': 2}\n"}, `{"a": 1}`},
		{"NaN tolerated for a precise error later", []string{"{\"cv_scores\": [NaN]}\n"}, `{"cv_scores": [NaN]}`},
		{"none", []string{"hello\n[1,2]\n"}, ""},
		{"crlf", []string{"{\"a\": 1}\r\n"}, `{"a": 1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newResultSniffer(1 << 10)
			for _, c := range tt.chunks {
				s.Write([]byte(c))
			}
			if got := string(s.Last()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResultSnifferDropsOverlongLines(t *testing.T) {
	s := newResultSniffer(16)
	s.Write([]byte("{\"a\": 1}\n{\"b\": \"" + strings.Repeat("x", 100) + "\"}\n"))
	if got := string(s.Last()); got != `{"a": 1}` {
		t.Errorf("got %q", got)
	}
}

func TestTailBuffer(t *testing.T) {
	tb := newTailBuffer(8)
	tb.Write([]byte("hello "))
	tb.Write([]byte("world"))
	if got := tb.String(); got != "lo world" {
		t.Errorf("got %q", got)
	}
	tb.Write([]byte("\xff\xfeé"))
	if got := tb.String(); got != "orld\uFFFDé" {
		t.Errorf("got %q", got)
	}
}

package runner

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/kxrun/kxrun/stats"
)

// FuzzParseResult checks that no result a trainer prints makes the parser
// panic, that every refusal is a *ResultError whose reason is valid UTF-8
// (it goes into runs.csv), and that every accepted result is one kxrun can
// store: finite scores with a finite mean and std, finite metrics and LB,
// params nested at most maxParamsDepth levels. Seeds live in
// testdata/fuzz/FuzzParseResult.
func FuzzParseResult(f *testing.F) {
	f.Add([]byte(`{"cv_scores": [0.8, 0.81], "oof": "oof.npy", "params": {"a": {"b": [1, 2]}}, "metrics": {"ll": 0.3}, "lb_score": null, "notes": "n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseResult(data)
		if err != nil {
			var re *ResultError
			if !errors.As(err, &re) {
				t.Fatalf("error is %T, not *ResultError: %v", err, err)
			}
			if !utf8.ValidString(re.Reason) || re.Reason == "" {
				t.Fatalf("reason is not valid UTF-8 text: %q", re.Reason)
			}
			return
		}
		if len(res.CVScores) == 0 {
			t.Fatal("accepted a result without scores")
		}
		for _, s := range res.CVScores {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				t.Fatalf("accepted a non-finite score %v", s)
			}
		}
		if m, s := stats.Mean(res.CVScores), stats.Std(res.CVScores, 0); math.IsNaN(m) || math.IsInf(m, 0) || math.IsNaN(s) || math.IsInf(s, 0) {
			t.Fatalf("accepted scores whose mean %v or std %v is not finite", m, s)
		}
		for k, v := range res.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted metric %s = %v", k, v)
			}
		}
		if res.LBScore != nil && (math.IsNaN(*res.LBScore) || math.IsInf(*res.LBScore, 0)) {
			t.Fatalf("accepted LB %v", *res.LBScore)
		}
		if nestedDeeper(res.Params, maxParamsDepth) {
			t.Fatal("accepted params nested too deep")
		}
	})
}

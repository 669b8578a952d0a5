package study

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/tracker"
)

func TestChooseSeeds(t *testing.T) {
	tests := []struct {
		name string
		plan []int64
		n    int
		want []int64
	}{
		{"fewer than the plan's", []int64{42, 123, 456}, 2, []int64{42, 123}},
		{"the plan's", []int64{42, 123, 456}, 3, []int64{42, 123, 456}},
		// The fixed sequence: PCG(1, 2), 1 + Int64N(99999).
		{"then the sequence", []int64{42, 123, 456}, 6, []int64{42, 123, 456, 76937, 61644, 78443}},
		{"no plan seeds", nil, 3, []int64{76937, 61644, 78443}},
		{"a plan seed in the sequence is not repeated", []int64{61644}, 3, []int64{61644, 76937, 78443}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ChooseSeeds(tt.plan, tt.n)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// A larger n extends a smaller one.
	if a, b := ChooseSeeds([]int64{1}, 20), ChooseSeeds([]int64{1}, 50); !cmp.Equal(a, b[:20]) {
		t.Errorf("n=20 %v is not the start of n=50 %v", a, b)
	}
}

func TestSeedsNeeded(t *testing.T) {
	tests := []struct {
		std, target float64
		want        int
	}{
		{0.001, 0.001 / 2.8, 8}, // (2.8)² = 7.84
		{0.002, 0.001, 4},       // exactly 4, not 5 for a rounding error
		{0.0010000000000000009, 0.001, 1},
		{0.0011, 0.001, 2},
		{0, 0.001, 1},
		{math.NaN(), 0.001, 0},
		{0.001, 0, 0},
	}
	for _, tt := range tests {
		if got := SeedsNeeded(tt.std, tt.target); got != tt.want {
			t.Errorf("SeedsNeeded(%v, %v) = %d, want %d", tt.std, tt.target, got, tt.want)
		}
	}
}

func TestSummarizeSeeds(t *testing.T) {
	p := parsePlan(t, `
command: [x]
seeds: [1, 2]
seed_std_warn: 0.004
min_gain: 0.002
base_features: [b]
`)
	var runs []*Finished
	for i, cv := range []float64{0.80, 0.81, 0.79, -1} {
		seed := int64(i + 1)
		if cv < 0 {
			runs = append(runs, &Finished{Record: &tracker.Record{RunID: tracker.FormatID(i + 1), Seed: &seed, Status: "failed", Reason: "boom"}})
			continue
		}
		runs = append(runs, okRun(i+1, "all", seed, cv-0.01, cv+0.01))
	}
	runs = append(runs, nil)
	sum := SummarizeSeeds(p, "all", []int64{1, 2, 3, 4, 5}, runs, 0)
	// Means 0.80, 0.81, 0.79: mean 0.80, sample std 0.01, range 0.02,
	// SE 0.01/√3; target 0.002/2.8, so ⌈(0.01·2.8/0.002)²⌉ = ⌈196⌉ = 196.
	type figures struct {
		Mean, Std, Min, Max, Range, SE, TargetSE float64
		Needed                                   int
		OK, Failed, NotStarted, Total            int
	}
	got := figures{*sum.Mean, *sum.Std, *sum.Min, *sum.Max, *sum.Range, *sum.SE, sum.TargetSE, *sum.SeedsNeeded,
		sum.OK, sum.Failed, sum.NotStarted, sum.Total}
	want := figures{0.80, 0.01, 0.79, 0.81, 0.02, 0.01 / math.Sqrt(3), 0.002 / 2.8, 196, 3, 1, 1, 5}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(sum.Warning, "0.01000, is above seed_std_warn 0.004") {
		t.Errorf("warning %q", sum.Warning)
	}
	if len(sum.Failures) != 1 || sum.Failures[0].Reason != "boom" || len(sum.Runs) != 4 {
		t.Errorf("failures %+v, runs %d", sum.Failures, len(sum.Runs))
	}
	// An explicit target wins; a spread under seed_std_warn warns nothing.
	p.SeedStdWarn = 0.05
	sum = SummarizeSeeds(p, "all", nil, runs, 0.01)
	if *sum.SeedsNeeded != 1 || sum.Warning != "" || sum.TargetSE != 0.01 {
		t.Errorf("needed %d, warning %q, target %v", *sum.SeedsNeeded, sum.Warning, sum.TargetSE)
	}
}

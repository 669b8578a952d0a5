package study

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

const adaptivePlan = `command: [t]
base_features: [b]
feature_groups:
  g1: [x]
  g2: [y]
  g3: [z]
adaptive: {looks: [3, 5]}
`

func newTestAdaptive(t *testing.T, jobs int, deadline time.Time) *adaptiveSweep {
	p := parsePlan(t, adaptivePlan)
	p.Seeds = ChooseSeeds(p.Seeds, 5)
	s := &adaptiveSweep{opts: Options{Plan: p, Jobs: jobs}, p: p, deadline: deadline,
		rule: stats.Sequential{Alpha: 0.05, Looks: 2, MinGain: 0.001}, variants: map[string]plan.Variant{}, done: map[refKey]*Finished{}}
	for _, v := range p.Variants() {
		s.variants[v.Name] = v
	}
	for _, c := range Comparisons(p) {
		s.comps = append(s.comps, &comparison{AdaptiveComparison: &AdaptiveComparison{Comparison: c},
			canon: c.Variant, ref: c.Reference, kind: s.variants[c.Variant].Kind})
	}
	return s
}

// Settled comparisons get no more runs; the runs of the comparisons
// closest to settling come first, references before the others.
func TestAdaptiveNeeded(t *testing.T) {
	s := newTestAdaptive(t, 2, time.Time{})
	for _, c := range s.comps {
		switch c.Variant {
		case "-g1", "+g1", "+g2", "+g3":
			c.Settled = true
		case "-g3":
			need := 6
			c.SeedsNeeded = &need
		}
	}
	var got []string
	for _, r := range s.needed(2) {
		got = append(got, r.Name)
	}
	// -g2 and -g3 are open: all, -g3 (closest), then -g2; base is needed by
	// no open comparison.
	want := []string{
		"test_all_s42", "test_all_s" + itoa(s.p.Seeds[1]),
		"test_minus_g3_s42", "test_minus_g3_s" + itoa(s.p.Seeds[1]),
		"test_minus_g2_s42", "test_minus_g2_s" + itoa(s.p.Seeds[1]),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

// fit lays runs out on the jobs with each variant's mean duration and
// leaves out those that would end after the deadline.
func TestAdaptiveFit(t *testing.T) {
	s := newTestAdaptive(t, 2, time.Now().Add(10*time.Second))
	if batch, rest := s.fit(s.needed(5)); len(batch) != 2 || len(rest) != 38 {
		t.Fatalf("with no duration known: %d runs start, %d wait; want one per job (2) and 38", len(batch), len(rest))
	}
	record := func(variant string, seed int64, d float64) {
		s.done[refKey{variant, seed}] = &Finished{Record: &tracker.Record{DurationS: d, Status: "ok"}}
	}
	record("all", s.p.Seeds[0], 1)   // 1 s for all
	record("base", s.p.Seeds[0], 3)  // 3 s for base
	record("-g1", s.p.Seeds[0], 0.5) // and 1.5 s on average for the rest
	record("+g1", s.p.Seeds[0], 2.5)
	runs := s.needed(5)
	batch, rest := s.fit(runs)
	var sum float64
	for _, r := range batch {
		switch r.Variant.Name {
		case "all":
			sum += 1
		case "base":
			sum += 3
		case "-g1":
			sum += 0.5
		case "+g1":
			sum += 2.5
		default:
			sum += 1.75
		}
	}
	if len(batch)+len(rest) != len(runs) || len(batch) == 0 || len(rest) == 0 {
		t.Fatalf("%d runs start and %d wait, of %d", len(batch), len(rest), len(runs))
	}
	if sum > 20 {
		t.Errorf("the runs started need %.1f s of the 2 jobs' 20 s before the deadline", sum)
	}
	if _, rest := (&adaptiveSweep{deadline: time.Now().Add(-time.Second)}).fit(runs); len(rest) != len(runs) {
		t.Errorf("after the deadline %d runs would still start", len(runs)-len(rest))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFitSeeds(t *testing.T) {
	took := func(ds ...float64) []*Finished {
		var out []*Finished
		for _, d := range ds {
			out = append(out, &Finished{Record: &tracker.Record{DurationS: d}})
		}
		return append(out, nil) // a run that never started counts for nothing
	}
	for _, tc := range []struct {
		name     string
		finished []*Finished
		n, jobs  int
		left     float64
		want     int
	}{
		{"nothing known: one per job", nil, 5, 2, 10, 2},
		{"nothing known, fewer runs than jobs", nil, 1, 4, 10, 1},
		{"time is up", took(1), 5, 2, 0, 0},
		{"2 jobs, 1 s each, 3.5 s left", took(1, 1), 10, 2, 3.5, 6},
		{"mean of 1 and 3 s, 1 job, 5 s left", took(1, 3), 10, 1, 5, 2},
		{"all fit", took(0.1), 4, 1, 10, 4},
		{"none fits", took(20), 4, 3, 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fitSeeds(tc.finished, tc.n, tc.jobs, tc.left); got != tc.want {
				t.Errorf("fitSeeds = %d, want %d", got, tc.want)
			}
		})
	}
}

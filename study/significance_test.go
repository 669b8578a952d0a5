package study

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kxrun/kxrun/tracker"
)

// okRun is an ok run with fold scores; its CV score is their mean.
func okRun(id int, variant string, seed int64, folds ...float64) *Finished {
	s := seed
	mean := 0.0
	for _, f := range folds {
		mean += f
	}
	mean /= float64(len(folds))
	rec := &tracker.Record{RunID: tracker.FormatID(id), Variant: variant, Seed: &s, Status: "ok",
		CVScores: folds, CVScore: &mean}
	return &Finished{Record: rec}
}

type sigRow struct {
	Variant       string
	Test, Verdict string
	NPairs        int
	P, CILow      *float64
	NoTest        string
}

func sigRows(sum *AblationSummary) []sigRow {
	var out []sigRow
	for _, v := range sum.Variants {
		if v.Reference == "" {
			continue
		}
		out = append(out, sigRow{v.Variant, v.Test, v.Verdict, v.NPairs, v.PValue, v.CILow, v.NoTest})
	}
	return out
}

var approx = cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(a)) })

// TestSignificanceHandComputed: two seeds, so a paired t-test over seeds
// with 1 degree of freedom, where P(|T| > t) = 1 - (2/π)·atan(t).
func TestSignificanceHandComputed(t *testing.T) {
	for _, dir := range []string{"maximize", "minimize"} {
		t.Run(dir, func(t *testing.T) {
			p := parsePlan(t, `
command: [x]
direction: `+dir+`
seeds: [1, 2]
base_features: [b]
feature_groups:
  g: [g1]
  h: [h1]
  k: [k1]
`)
			// s is +1 when higher is better: every score below is "better"
			// in the plan's direction by the amounts in the comments.
			s := 1.0
			if dir == "minimize" {
				s = -1
			}
			runs := []*Finished{
				okRun(1, "all", 1, 0.5+s*0.25), okRun(2, "all", 2, 0.5+s*0.25),
				// -g worse than all by 0.125 and 0.375: gains 0.125, 0.375,
				// mean 0.25, sample std 0.25·√2/2·... : SE = 0.125, t = 2.
				okRun(3, "-g", 1, 0.5+s*0.125), okRun(4, "-g", 2, 0.5-s*0.125),
				// -h better than all by the same amounts: gains -0.125, -0.375.
				okRun(5, "-h", 1, 0.5+s*0.375), okRun(6, "-h", 2, 0.5+s*0.625),
				okRun(7, "base", 1, 0.5), okRun(8, "base", 2, 0.5),
				// Identical gains of 0.25 on both seeds: certain (p = 0).
				okRun(9, "+g", 1, 0.5+s*0.25), okRun(10, "+g", 2, 0.5+s*0.25),
				// No difference at all: p = 1.
				okRun(11, "+h", 1, 0.5), okRun(12, "+h", 2, 0.5),
			}
			sum := Summarize(p, runs)
			pt := 1 - 2/math.Pi*math.Atan(2)
			q := math.Tan(0.475 * math.Pi) // t quantile at 0.975 with 1 df
			f := func(x float64) *float64 { return &x }
			want := []sigRow{
				{"-g", TestSeeds, VerdictNoise, 2, f(pt), f(0.25 - q*0.125), ""},
				{"-h", TestSeeds, VerdictNoise, 2, f(pt), f(-0.25 - q*0.125), ""},
				{"-k", "", "", 0, nil, nil, "no seed where both runs are ok"},
				{"+g", TestSeeds, VerdictHelps, 2, f(0), f(0.25), ""},
				{"+h", TestSeeds, VerdictNoise, 2, f(1), f(0), ""},
				{"+k", "", "", 0, nil, nil, "no seed where both runs are ok"},
			}
			if diff := cmp.Diff(want, sigRows(sum), approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if g := sum.Variants[1].Gain; g == nil || math.Abs(*g-0.25) > 1e-15 {
				t.Errorf("gain of -g = %v, want 0.25 whatever the direction", g)
			}
		})
	}
}

// TestSignificanceOneSeedFolds: with one seed the fold-by-fold gains are
// tested with the corrected test, n_test/n_train = 1/(k-1).
func TestSignificanceOneSeedFolds(t *testing.T) {
	p := parsePlan(t, `
command: [x]
direction: minimize
seeds: [7]
base_features: [b]
feature_groups:
  g: [g1]
  h: [h1]
  k: [k1]
`)
	runs := []*Finished{
		okRun(1, "all", 7, 0.40, 0.41, 0.42),
		// -g has higher losses by 0.01, 0.02, 0.03 (it is worse: g helps).
		okRun(2, "-g", 7, 0.41, 0.43, 0.45),
		// -h ran with 4 folds: nothing to pair.
		okRun(3, "-h", 7, 0.40, 0.41, 0.42, 0.43),
		// -k has a single fold on both sides? No: all has 3, so it is
		// paired only when fold counts agree; here a single-fold base pair.
		okRun(4, "base", 7, 0.5),
		okRun(5, "+g", 7, 0.45),
	}
	sum := Summarize(p, runs)
	got := map[string]sigRow{}
	for _, r := range sigRows(sum) {
		got[r.Variant] = r
	}
	// Gains 0.01, 0.02, 0.03 (up to rounding): mean 0.02, sample std
	// 0.01, SE = 0.01·√(1/3 + 1/2), t = 2/√(5/6), p = 1 - √(12/17)
	// (2 df, see stats).
	g := got["-g"]
	if g.Test != TestFolds || g.NPairs != 3 || g.Verdict != VerdictNoise || math.Abs(*g.P-(1-math.Sqrt(12.0/17))) > 1e-9 {
		t.Errorf("-g: %+v (p %v), want the corrected test over 3 folds, p = 1 - √(12/17)", g, *g.P)
	}
	if h := got["-h"]; h.Test != "" || h.P != nil || !strings.Contains(h.NoTest, "4 and 3 folds") {
		t.Errorf("-h: %+v, want no test because the fold counts differ", h)
	}
	if k := got["-k"]; k.Test != "" || k.NoTest != "no seed where both runs are ok" {
		t.Errorf("-k: %+v, want no test: no ok run", k)
	}
	if g := got["+g"]; g.Test != "" || !strings.Contains(g.NoTest, "1 fold(s)") {
		t.Errorf("+g: %+v, want no test: one fold", g)
	}
}

// TestInteractions checks the interaction rule on gains made up to fall
// on either side of it.
func TestInteractions(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	vs := func(gain float64, se *float64, verdict string) *VariantSummary {
		return &VariantSummary{Gain: f(gain), GainSE: se, Verdict: verdict, NPairs: 5}
	}
	two := func(v *VariantSummary) *VariantSummary { v.NPairs = 2; return v }
	tests := []struct {
		name     string
		loo, add *VariantSummary
		want     *Interaction
	}{
		{"agree", vs(0.010, f(0.001), VerdictHelps), vs(0.011, f(0.001), VerdictHelps), nil},
		{"strong group, a few percent apart", vs(0.092, f(0.0003), VerdictHelps), vs(0.0936, f(0.0001), VerdictHelps), nil},
		{"redundant: helps alone, nothing in all", vs(0.0002, f(0.0005), VerdictNoise), vs(0.008, f(0.0005), VerdictHelps),
			&Interaction{Kind: InteractionRedundant, Reason: "size", Difference: 0.0078, DifferenceSE: f(math.Hypot(0.0005, 0.0005)), Threshold: 0.002}},
		{"synergy: only in all", vs(0.006, nil, ""), vs(0.0001, nil, ""),
			&Interaction{Kind: InteractionSynergy, Reason: "size", Difference: -0.0059, Threshold: 0.0015}},
		{"opposite signs, one significant", vs(-0.0008, f(0.0002), VerdictHurts), vs(0.0003, f(0.0002), VerdictNoise),
			&Interaction{Kind: InteractionRedundant, Reason: "sign", Difference: 0.0011, DifferenceSE: f(math.Hypot(0.0002, 0.0002))}},
		{"opposite signs, both noise and small", vs(-0.0004, f(0.001), VerdictNoise), vs(0.0003, f(0.001), VerdictNoise), nil},
		// t critical value 2.776 for 4 df: 2.776 × 0.00283 = 0.00785 > 0.005.
		{"difference not significant", vs(0.004, f(0.002), VerdictNoise), vs(0.009, f(0.002), VerdictHelps), nil},
		// The redundant case above with 2 seeds: 12.7 × 0.000707 = 0.0090 > 0.0078.
		{"same with 1 degree of freedom", two(vs(0.0002, f(0.0005), VerdictNoise)), two(vs(0.008, f(0.0005), VerdictHelps)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := interactionOf("g", "another group", "the other groups", tt.loo, tt.add, 0.001, 0.05)
			if diff := cmp.Diff(tt.want, got, approx, cmpopts.IgnoreFields(Interaction{}, "Message")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got != nil && !strings.Contains(got.Message, map[string]string{
				InteractionRedundant: "redundant with another group", InteractionSynergy: "helps only together with another group"}[got.Kind]) {
				t.Errorf("message %q", got.Message)
			}
		})
	}
}

// TestUselessGroupIsNoise repeats a synthetic study many times. A fold
// score is 0.8, plus a per-seed offset and a per-fold offset shared by
// every variant of the seed (the seed picks the folds), plus the groups'
// true effects, plus Gaussian noise of the run: a shift of the whole run
// (sd 0.001) and an independent part per fold (sd 0.002). Fold-by-fold
// differences of two runs then have the correlation 1/5 that the
// Nadeau-Bengio correction assumes for 5 folds (0.001² / (0.001² +
// 0.002²)); a larger shared part would make the one-seed test
// over-confident, which is why two seeds or more are better.
//
// A group with no effect must come out as noise, a strong one as helps.
// A calibrated test at alpha = 0.05 calls a useless group significant in
// 5% of seed sets in expectation, so the share reported as noise is 95%
// up to Monte-Carlo error; the test requires it within 3 standard errors
// of that, over 2000 seed sets for each of the 2 comparisons (-useless and
// +useless), in both directions, and with one seed (corrected fold test).
func TestUselessGroupIsNoise(t *testing.T) {
	const reps = 2000
	const alpha = 0.05
	for _, tc := range []struct {
		name, direction string
		seeds           string
		nSeeds          int
	}{
		{"5 seeds, maximize", "maximize", "[1, 2, 3, 4, 5]", 5},
		{"3 seeds, minimize", "minimize", "[1, 2, 3]", 3},
		{"1 seed, 5 folds", "maximize", "[1]", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parsePlan(t, `
command: [x]
direction: `+tc.direction+`
seeds: `+tc.seeds+`
base_features: [b]
feature_groups:
  strong: [s1]
  useless: [u1]
`)
			sign := 1.0
			if tc.direction == "minimize" {
				sign = -1
			}
			effects := map[string]float64{"all": 0.02, "-strong": 0, "-useless": 0.02, "base": 0, "+strong": 0.02, "+useless": 0}
			rng := rand.New(rand.NewPCG(2026, uint64(tc.nSeeds)))
			const seedNoise, foldOffset, runShift, foldNoise = 0.004, 0.01, 0.001, 0.002
			noise := map[string]int{}
			helps := map[string]int{}
			for range reps {
				var runs []*Finished
				id := 0
				for _, seed := range p.Seeds {
					offset := rng.NormFloat64() * seedNoise
					foldOffsets := make([]float64, 5)
					for i := range foldOffsets {
						foldOffsets[i] = rng.NormFloat64() * foldOffset
					}
					for _, v := range p.Variants() {
						if v.SameAs != "" {
							continue
						}
						score := 0.8 + offset + sign*effects[v.Name] + rng.NormFloat64()*runShift
						folds := make([]float64, 5)
						for i := range folds {
							folds[i] = score + foldOffsets[i] + rng.NormFloat64()*foldNoise
						}
						id++
						runs = append(runs, okRun(id, v.Name, seed, folds...))
					}
				}
				for _, v := range Summarize(p, runs).Variants {
					switch v.Verdict {
					case VerdictNoise:
						noise[v.Variant]++
					case VerdictHelps:
						helps[v.Variant]++
					}
				}
			}
			mc := 3 * math.Sqrt(alpha*(1-alpha)/reps)
			for _, v := range []string{"-useless", "+useless"} {
				share := float64(noise[v]) / reps
				t.Logf("%s: noise in %.1f%% of %d seed sets", v, 100*share, reps)
				if share < 1-alpha-mc {
					t.Errorf("%s: noise in %.1f%% of seed sets, want 95%% (at least %.1f%% allowing for Monte-Carlo error)", v, 100*share, 100*(1-alpha-mc))
				}
			}
			for _, v := range []string{"-strong", "+strong"} {
				share := float64(helps[v]) / reps
				t.Logf("%s: helps in %.1f%% of %d seed sets", v, 100*share, reps)
				if share < 0.99 {
					t.Errorf("%s: helps in only %.1f%% of seed sets", v, 100*share)
				}
			}
		})
	}
}

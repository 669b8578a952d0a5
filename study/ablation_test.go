package study

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/tracker"
)

func parsePlan(t *testing.T, text string) *plan.Plan {
	t.Helper()
	p, err := plan.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// finished makes committed runs from "variant seed status score" facts.
func finished(runs ...struct {
	variant string
	seed    int64
	status  string
	score   float64
}) []*Finished {
	var out []*Finished
	for i, r := range runs {
		seed, score := r.seed, r.score
		rec := &tracker.Record{RunID: tracker.FormatID(i + 1), Variant: r.variant, Seed: &seed, Status: r.status}
		if r.status == "ok" {
			rec.CVScore = &score
		}
		out = append(out, &Finished{Record: rec})
	}
	return out
}

type fact = struct {
	variant string
	seed    int64
	status  string
	score   float64
}

func ptr(f float64) *float64 { return &f }

func TestSummarizeHandComputed(t *testing.T) {
	p := parsePlan(t, `
command: [x]
seeds: [1, 2]
base_features: [b]
feature_groups:
  g: [g1]
  h: [h1]
  k: [k1]
`)
	runs := finished(
		fact{"all", 1, "ok", 0.80}, fact{"all", 2, "ok", 0.82},
		fact{"base", 1, "ok", 0.70}, fact{"base", 2, "ok", 0.71},
		fact{"-g", 1, "ok", 0.75}, fact{"-g", 2, "ok", 0.76}, // gains 0.05, 0.06
		fact{"-h", 1, "failed", 0}, fact{"-h", 2, "ok", 0.83}, // only seed 2 pairs: -0.01
		fact{"-k", 1, "cancelled", 0}, fact{"-k", 2, "failed", 0},
		fact{"+g", 1, "ok", 0.74}, fact{"+g", 2, "ok", 0.74}, // 0.04, 0.03
		fact{"+h", 1, "ok", 0.70}, fact{"+h", 2, "ok", 0.72}, // 0, 0.01
		fact{"+k", 1, "ok", 0.69}, fact{"+k", 2, "ok", 0.71}, // -0.01, 0
	)
	runs = append(runs, nil) // a run that never started
	sum := Summarize(p, runs)
	type row struct {
		Variant       string
		RunsOK, Runs  int
		Mean, Std, Gn *float64
		GainSeeds     int
	}
	var got []row
	for _, v := range sum.Variants {
		got = append(got, row{v.Variant, v.RunsOK, v.Runs, v.CVMean, v.CVStd, v.Gain, v.GainSeeds})
	}
	want := []row{
		{"all", 2, 2, ptr(0.81), ptr(0.014142135623730963), nil, 0},
		{"-g", 2, 2, ptr(0.755), ptr(0.007071067811865481), ptr(0.05500000000000005), 2},
		{"-h", 1, 2, ptr(0.83), nil, ptr(-0.010000000000000009), 1},
		{"-k", 0, 2, nil, nil, nil, 0},
		{"base", 2, 2, ptr(0.705), ptr(0.007071067811865481), nil, 0},
		{"+g", 2, 2, ptr(0.74), ptr(0), ptr(0.035000000000000031), 2},
		{"+h", 2, 2, ptr(0.71), ptr(0.014142135623730963), ptr(0.0050000000000000044), 2},
		{"+k", 2, 2, ptr(0.7), ptr(0.014142135623730963), ptr(-0.0050000000000000044), 2},
	}
	approx := cmp.Comparer(func(a, b float64) bool { d := a - b; return d < 1e-12 && d > -1e-12 })
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if sum.Total != 17 || sum.OK != 13 || sum.Failed != 2 || sum.Cancelled != 1 || sum.NotStarted != 1 || len(sum.Failures) != 3 {
		t.Errorf("counts: %+v", sum)
	}
}

func TestSummarizeMinimizeAndSameAs(t *testing.T) {
	p := parsePlan(t, `
command: [x]
direction: minimize
seeds: [7]
base_features: [b]
feature_groups:
  g: [g1]
`)
	// One group: -g runs as base and +g as all.
	runs := finished(fact{"all", 7, "ok", 0.30}, fact{"base", 7, "ok", 0.40})
	sum := Summarize(p, runs)
	gains := map[string]*float64{}
	same := map[string]string{}
	for _, v := range sum.Variants {
		gains[v.Variant] = v.Gain
		same[v.Variant] = v.SameAs
	}
	// Lower is better: the group lowers the loss by 0.1, so it helps.
	approx := cmp.Comparer(func(a, b float64) bool { d := a - b; return d < 1e-12 && d > -1e-12 })
	if diff := cmp.Diff(map[string]*float64{"all": nil, "base": nil, "-g": ptr(0.1), "+g": ptr(0.1)}, gains, approx); diff != "" {
		t.Errorf("gains (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"all": "", "base": "", "-g": "base", "+g": "all"}, same); diff != "" {
		t.Errorf("same_as (-want +got):\n%s", diff)
	}
}

func TestConfigIsAPlanThatReproducesTheRun(t *testing.T) {
	p := parsePlan(t, `
name: cfg
command: ["python3", "train.py", "--seed", "{seed}"]
env: {OMP_NUM_THREADS: "1"}
timeout: 90s
seeds: [1, 2]
base_features: [b]
feature_groups:
  g: [g1, g2]
  h: [h1]
params: {lr: 0.1, nested: {depth: 3}}
`)
	runs := p.Runs()
	specs := specsOf(p, runs, "/work", nil)
	var spec = specs[len(specs)-1]
	data, err := configOf(p, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A sweep encodes the variant's part once: the same config.
	body, err := configBody(p, specs[0])
	if err != nil {
		t.Fatal(err)
	}
	if same, _ := configOf(p, specs[0], body); string(same) != string(must(configOf(p, specs[0], nil))) {
		t.Errorf("with the variant's body computed once:\n%s", same)
	}
	back, err := plan.Parse("config.yaml", data)
	if err != nil {
		t.Fatalf("the config is not a valid plan: %v\n%s", err, data)
	}
	if diff := cmp.Diff(spec.Features, back.BaseFeatures); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{spec.Seed}, back.Seeds); diff != "" {
		t.Errorf("seeds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(p.Params, back.Params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(p.Command, back.Command); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	if back.Timeout != p.Timeout || back.Workdir != "/work" || back.Env["OMP_NUM_THREADS"] != "1" {
		t.Errorf("timeout %s workdir %s env %v", back.Timeout, back.Workdir, back.Env)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const techniquePlan = `name: t
command: [python3, train.py, --techniques, "{techniques}"]
env: {OMP_NUM_THREADS: "1"}
base_features: [age]
feature_groups:
  family: [sibsp, parch]
params:
  lr: 0.1
  pseudo_label: {rounds: 0, threshold: 0.9}
techniques:
  target_enc:
    params: {encoding: target}
  pseudo:
    params: {pseudo_label: {rounds: 2}}
    env: {USE_PSEUDO: "1"}
`

func TestTechniquesDecode(t *testing.T) {
	p := mustParse(t, "plans/t.yaml", techniquePlan)
	want := []Technique{
		{Name: "target_enc", Params: map[string]any{"encoding": "target"}},
		{Name: "pseudo", Params: map[string]any{"pseudo_label": map[string]any{"rounds": int64(2)}}, Env: map[string]string{"USE_PSEUDO": "1"}},
	}
	if diff := cmp.Diff(want, p.Techniques); diff != "" {
		t.Errorf("techniques (-want +got):\n%s", diff)
	}
	wantComps := []Component{{"family", ComponentGroup}, {"target_enc", ComponentTechnique}, {"pseudo", ComponentTechnique}}
	if diff := cmp.Diff(wantComps, p.Components()); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}

// Every variant of a plan with a group and two techniques: features,
// techniques, params merged by path and env, and which runs are shared.
func TestVariantsWithTechniques(t *testing.T) {
	p := mustParse(t, "plans/t.yaml", techniquePlan)
	plain := map[string]any{"lr": 0.1, "pseudo_label": map[string]any{"rounds": int64(0), "threshold": 0.9}}
	te := map[string]any{"lr": 0.1, "encoding": "target", "pseudo_label": map[string]any{"rounds": int64(0), "threshold": 0.9}}
	ps := map[string]any{"lr": 0.1, "pseudo_label": map[string]any{"rounds": int64(2), "threshold": 0.9}}
	both := map[string]any{"lr": 0.1, "encoding": "target", "pseudo_label": map[string]any{"rounds": int64(2), "threshold": 0.9}}
	env := map[string]string{"OMP_NUM_THREADS": "1"}
	envP := map[string]string{"OMP_NUM_THREADS": "1", "USE_PSEUDO": "1"}
	all := []string{"age", "sibsp", "parch"}
	base := []string{"age"}
	want := []Variant{
		{Name: "all", Kind: KindAll, Features: all, Techniques: []string{"target_enc", "pseudo"}, Params: both, Env: envP},
		{Name: "-family", Kind: KindMinus, Group: "family", Reference: "all", Features: base, Techniques: []string{"target_enc", "pseudo"}, Params: both, Env: envP},
		{Name: "-target_enc", Kind: KindMinus, Technique: "target_enc", Reference: "all", Features: all, Techniques: []string{"pseudo"}, Params: ps, Env: envP},
		{Name: "-pseudo", Kind: KindMinus, Technique: "pseudo", Reference: "all", Features: all, Techniques: []string{"target_enc"}, Params: te, Env: env},
		{Name: "base", Kind: KindBase, Features: base, Params: plain, Env: env},
		{Name: "+family", Kind: KindPlus, Group: "family", Reference: "base", Features: all, Params: plain, Env: env},
		{Name: "+target_enc", Kind: KindPlus, Technique: "target_enc", Reference: "base", Features: base, Techniques: []string{"target_enc"}, Params: te, Env: env},
		{Name: "+pseudo", Kind: KindPlus, Technique: "pseudo", Reference: "base", Features: base, Techniques: []string{"pseudo"}, Params: ps, Env: envP},
	}
	got := p.Variants()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variants (-want +got):\n%s", diff)
	}
	if got[4].Params["pseudo_label"].(map[string]any)["rounds"] != int64(0) {
		t.Errorf("merging changed the plan's own params")
	}
	names := map[string]string{}
	for _, r := range p.Runs() {
		names[r.Variant.Name] = r.Name
	}
	if names["-target_enc"] != "t_minus_target_enc_s42" || names["+pseudo"] != "t_plus_pseudo_s42" {
		t.Errorf("run names %v", names)
	}
}

// With one group and one technique, -family is +target_enc's twin only
// if they run the same thing: they do not (features differ), so only the
// usual pairs are shared.
func TestTechniqueVariantsShareRuns(t *testing.T) {
	p := &Plan{Name: "p", Seeds: []int64{1}, BaseFeatures: []string{"x"},
		Techniques: []Technique{{Name: "a", Params: map[string]any{"a": 1}}, {Name: "b", Env: map[string]string{"B": "1"}}}}
	same := map[string]string{}
	for _, v := range p.Variants() {
		same[v.Name] = v.SameAs
	}
	want := map[string]string{"all": "", "-a": "", "-b": "", "base": "", "+a": "-b", "+b": "-a"}
	if diff := cmp.Diff(want, same); diff != "" {
		t.Errorf("SameAs (-want +got):\n%s", diff)
	}
}

func TestPathVariant(t *testing.T) {
	p := mustParse(t, "plans/t.yaml", techniquePlan)
	fam, te, ps := Component{"family", ComponentGroup}, Component{"target_enc", ComponentTechnique}, Component{"pseudo", ComponentTechnique}
	tests := []struct {
		steps      []Component
		name, run  string
		kind       VariantKind
		techniques []string
	}{
		{nil, "base", "t_base_s1", KindBase, nil},
		{[]Component{ps}, "+pseudo", "t_plus_pseudo_s1", KindPlus, []string{"pseudo"}},
		{[]Component{ps, fam}, "+pseudo+family", "t_path_pseudo_family_s1", KindPath, []string{"pseudo"}},
		{[]Component{ps, fam, te}, "all", "t_all_s1", KindAll, []string{"target_enc", "pseudo"}},
	}
	for _, tt := range tests {
		v := p.PathVariant(tt.steps)
		if v.Name != tt.name || v.Kind != tt.kind || RunName(p.Name, v, 1) != tt.run || !cmp.Equal(v.Techniques, tt.techniques) {
			t.Errorf("PathVariant(%v) = %s %v %s %v, want %s %v %s %v", tt.steps, v.Name, v.Kind, RunName(p.Name, v, 1), v.Techniques,
				tt.name, tt.kind, tt.run, tt.techniques)
		}
	}
}

func TestMergeParams(t *testing.T) {
	base := map[string]any{"a": 1, "n": map[string]any{"x": 1, "y": 2}, "l": []any{1}}
	over := map[string]any{"n": map[string]any{"y": 3, "z": map[string]any{"k": true}}, "l": []any{2}, "a": map[string]any{"now": "map"}}
	got := MergeParams(base, over)
	want := map[string]any{"a": map[string]any{"now": "map"}, "n": map[string]any{"x": 1, "y": 3, "z": map[string]any{"k": true}}, "l": []any{2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
	got["n"].(map[string]any)["z"].(map[string]any)["k"] = false
	if over["n"].(map[string]any)["z"].(map[string]any)["k"] != true {
		t.Errorf("the merge shares maps with its argument")
	}
}

func TestTechniqueErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []wantErr
	}{
		{"not a mapping", "techniques: [a]\n", []wantErr{{1, 13, "techniques: want a mapping"}}},
		{"empty null", "techniques:\n  te:\n", []wantErr{{2, 3, `technique "te" is empty`}}},
		{"empty mapping", "techniques:\n  te: {}\n", []wantErr{{2, 3, `technique "te" is empty`}}},
		{"empty params", "techniques:\n  te: {params: {}}\n", []wantErr{{2, 3, `technique "te" is empty`}}},
		{"unknown key", "techniques:\n  te:\n    parms: {a: 1}\n", []wantErr{{3, 5, `technique "te": unknown key "parms"`}}},
		{"params not mapping", "techniques:\n  te: {params: [1]}\n", []wantErr{{2, 16, `technique "te" params: want a mapping`}}},
		{"params change nothing", "params: {a: 1, n: {b: 2}}\ntechniques:\n  te:\n    params: {n: {b: 2.0}}\n", []wantErr{{4, 5, `technique "te": its params are the plan's params already`}}},
		{"env change nothing", "env: {A: x}\ntechniques:\n  te:\n    env: {A: x}\n", []wantErr{{4, 5, `technique "te": its env is the plan's env already`}}},
		{"env null value", "techniques:\n  te:\n    env: {A: }\n", []wantErr{{3, 14, `technique "te" env A: value is null`}}},
		{"bad name", "techniques:\n  a b: {params: {x: 1}}\n", []wantErr{{2, 3, `technique name "a b" is not usable`}}},
		{"twice", "techniques:\n  te: {params: {x: 1}}\n  te: {params: {x: 2}}\n", []wantErr{{3, 3, `technique "te" is defined twice (lines 2 and 3)`}}},
		{"shared with a group", "feature_groups:\n  fam: [a]\ntechniques:\n  fam: {params: {x: 1}}\n",
			[]wantErr{{4, 3, `"fam" is both a feature group (line 2) and a technique (line 4)`}}},
		{"params nan", "techniques:\n  te: {params: {lr: .nan}}\n", []wantErr{{2, 21, "techniques.te.params.lr: .nan has no JSON form"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("plans/x.yaml", []byte(complete(tt.src)))
			wantProblems(t, err, tt.want)
		})
	}
}

func TestTechniquesPlaceholder(t *testing.T) {
	c := Command{Shell: "train --t {techniques}"}
	if got := c.Expand(Vars{Techniques: []string{"a", "b"}}).Shell; got != "train --t 'a,b'" {
		t.Errorf("Expand = %q", got)
	}
}

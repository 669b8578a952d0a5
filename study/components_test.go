package study

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/plan"
)

func TestComparisons(t *testing.T) {
	p := &plan.Plan{Name: "p", Seeds: []int64{1}, BaseFeatures: []string{"x"},
		Groups:     []plan.Group{{Name: "fam", Features: []string{"f"}}},
		Techniques: []plan.Technique{{Name: "te", Params: map[string]any{"e": "t"}}}}
	want := []Comparison{
		{Component: "fam", Kind: plan.ComponentGroup, Way: LeaveOneOut, Variant: "-fam", Reference: "all"},
		{Component: "fam", Kind: plan.ComponentGroup, Way: AddOne, Variant: "+fam", Reference: "base"},
		{Component: "te", Kind: plan.ComponentTechnique, Way: LeaveOneOut, Variant: "-te", Reference: "all"},
		{Component: "te", Kind: plan.ComponentTechnique, Way: AddOne, Variant: "+te", Reference: "base"},
	}
	got := Comparisons(p)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comparisons (-want +got):\n%s", diff)
	}
	// Each names a variant of the plan with that reference, and the
	// summary's line for it.
	sum := Summarize(p, nil)
	for _, c := range got {
		v, err := p.Variant(c.Variant)
		if err != nil || v.Reference != c.Reference || v.Component().Name != c.Component || v.Component().Kind != c.Kind {
			t.Errorf("%+v: variant %+v (%v)", c, v, err)
		}
		if r := sum.Result(c); r == nil || r.Variant != c.Variant {
			t.Errorf("%+v: summary line %+v", c, r)
		}
	}
	if PathVariants(4) != 10 {
		t.Errorf("PathVariants(4) = %d", PathVariants(4))
	}
}

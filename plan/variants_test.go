package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func planWith(base []string, groups ...Group) *Plan {
	return &Plan{Name: "p", Seeds: []int64{1, 2}, BaseFeatures: base, Groups: groups}
}

func TestVariants(t *testing.T) {
	ga := Group{Name: "a", Features: []string{"a1", "a2"}}
	gb := Group{Name: "b", Features: []string{"b1"}}
	gc := Group{Name: "c", Features: []string{"c1"}}
	tests := []struct {
		name string
		plan *Plan
		want []Variant
	}{
		{
			name: "no groups",
			plan: planWith([]string{"x", "y"}),
			want: []Variant{
				{Name: "all", Kind: KindAll, Features: []string{"x", "y"}},
				{Name: "base", Kind: KindBase, Features: []string{"x", "y"}, SameAs: "all"},
			},
		},
		{
			name: "one group",
			plan: planWith([]string{"x"}, ga),
			want: []Variant{
				{Name: "all", Kind: KindAll, Features: []string{"x", "a1", "a2"}},
				{Name: "-a", Kind: KindMinus, Group: "a", Features: []string{"x"}, SameAs: "base", Reference: "all"},
				{Name: "base", Kind: KindBase, Features: []string{"x"}},
				{Name: "+a", Kind: KindPlus, Group: "a", Features: []string{"x", "a1", "a2"}, SameAs: "all", Reference: "base"},
			},
		},
		{
			name: "two groups",
			plan: planWith([]string{"x"}, ga, gb),
			want: []Variant{
				{Name: "all", Kind: KindAll, Features: []string{"x", "a1", "a2", "b1"}},
				{Name: "-a", Kind: KindMinus, Group: "a", Features: []string{"x", "b1"}, Reference: "all"},
				{Name: "-b", Kind: KindMinus, Group: "b", Features: []string{"x", "a1", "a2"}, Reference: "all"},
				{Name: "base", Kind: KindBase, Features: []string{"x"}},
				{Name: "+a", Kind: KindPlus, Group: "a", Features: []string{"x", "a1", "a2"}, SameAs: "-b", Reference: "base"},
				{Name: "+b", Kind: KindPlus, Group: "b", Features: []string{"x", "b1"}, SameAs: "-a", Reference: "base"},
			},
		},
		{
			name: "three groups",
			plan: planWith([]string{"x"}, ga, gb, gc),
			want: []Variant{
				{Name: "all", Kind: KindAll, Features: []string{"x", "a1", "a2", "b1", "c1"}},
				{Name: "-a", Kind: KindMinus, Group: "a", Features: []string{"x", "b1", "c1"}, Reference: "all"},
				{Name: "-b", Kind: KindMinus, Group: "b", Features: []string{"x", "a1", "a2", "c1"}, Reference: "all"},
				{Name: "-c", Kind: KindMinus, Group: "c", Features: []string{"x", "a1", "a2", "b1"}, Reference: "all"},
				{Name: "base", Kind: KindBase, Features: []string{"x"}},
				{Name: "+a", Kind: KindPlus, Group: "a", Features: []string{"x", "a1", "a2"}, Reference: "base"},
				{Name: "+b", Kind: KindPlus, Group: "b", Features: []string{"x", "b1"}, Reference: "base"},
				{Name: "+c", Kind: KindPlus, Group: "c", Features: []string{"x", "c1"}, Reference: "base"},
			},
		},
		{
			name: "one group no base",
			plan: planWith(nil, ga),
			want: []Variant{
				{Name: "all", Kind: KindAll, Features: []string{"a1", "a2"}},
				{Name: "-a", Kind: KindMinus, Group: "a", SameAs: "base", Reference: "all"},
				{Name: "base", Kind: KindBase},
				{Name: "+a", Kind: KindPlus, Group: "a", Features: []string{"a1", "a2"}, SameAs: "all", Reference: "base"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.plan.Variants()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Variants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariantsDoNotAliasPlan(t *testing.T) {
	p := planWith([]string{"x"}, Group{Name: "a", Features: []string{"a1"}})
	for _, v := range p.Variants() {
		for i := range v.Features {
			v.Features[i] = "changed"
		}
	}
	if p.BaseFeatures[0] != "x" || p.Groups[0].Features[0] != "a1" {
		t.Errorf("changing a variant's features changed the plan: %+v", p)
	}
}

func TestVariantLookup(t *testing.T) {
	p := planWith([]string{"x"}, Group{Name: "a", Features: []string{"a1"}}, Group{Name: "b", Features: []string{"b1"}})
	for _, name := range []string{"all", "base", "-a", "+b"} {
		v, err := p.Variant(name)
		if err != nil || v.Name != name {
			t.Errorf("Variant(%q) = %+v, %v", name, v, err)
		}
	}
	_, err := p.Variant("a")
	if err == nil || !strings.Contains(err.Error(), `no variant "a"; valid variants: all, -a, -b, base, +a, +b`) {
		t.Errorf("Variant(\"a\") error = %v", err)
	}
}

func TestRuns(t *testing.T) {
	p := planWith([]string{"x"}, Group{Name: "a", Features: []string{"a1"}}, Group{Name: "b", Features: []string{"b1"}}, Group{Name: "c", Features: []string{"c1"}})
	p.Name = "demo"
	p.Seeds = []int64{7, -3}
	var got []string
	for _, r := range p.Runs() {
		if r.Name != RunName(p.Name, r.Variant, r.Seed) {
			t.Errorf("run %s: Name is not RunName", r.Name)
		}
		got = append(got, fmt.Sprintf("%s/%d", r.Variant.Name, r.Seed))
	}
	want := []string{
		"all/7", "all/-3", "base/7", "base/-3",
		"-a/7", "-a/-3", "-b/7", "-b/-3", "-c/7", "-c/-3",
		"+a/7", "+a/-3", "+b/7", "+b/-3", "+c/7", "+c/-3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Runs order (-want +got):\n%s", diff)
	}
}

func TestRunsSkipDuplicates(t *testing.T) {
	tests := []struct {
		plan *Plan
		want []string
	}{
		{planWith([]string{"x"}), []string{"p_all_s1", "p_all_s2"}},
		{planWith([]string{"x"}, Group{Name: "g", Features: []string{"g1"}}), []string{"p_all_s1", "p_all_s2", "p_base_s1", "p_base_s2"}},
		{planWith([]string{"x"}, Group{Name: "g", Features: []string{"g1"}}, Group{Name: "h", Features: []string{"h1"}}),
			[]string{"p_all_s1", "p_all_s2", "p_base_s1", "p_base_s2", "p_minus_g_s1", "p_minus_g_s2", "p_minus_h_s1", "p_minus_h_s2"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range tt.plan.Runs() {
			got = append(got, r.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Runs with %d groups (-want +got):\n%s", len(tt.plan.Groups), diff)
		}
	}
}

func TestRunName(t *testing.T) {
	tests := []struct {
		plan string
		v    Variant
		seed int64
		want string
	}{
		{"titanic", Variant{Name: "all", Kind: KindAll}, 42, "titanic_all_s42"},
		{"titanic", Variant{Name: "base", Kind: KindBase}, 0, "titanic_base_s0"},
		{"titanic", Variant{Name: "-family", Kind: KindMinus, Group: "family"}, 123, "titanic_minus_family_s123"},
		{"titanic", Variant{Name: "+title.v2", Kind: KindPlus, Group: "title.v2"}, -5, "titanic_plus_title.v2_sm5"},
		{"t", Variant{Name: "all", Kind: KindAll}, -9223372036854775808, "t_all_sm9223372036854775808"},
		{"bad/name", Variant{Name: "+a b", Kind: KindPlus, Group: "a b"}, 1, "bad_name_plus_a_b_s1"},
	}
	for _, tt := range tests {
		if got := RunName(tt.plan, tt.v, tt.seed); got != tt.want {
			t.Errorf("RunName(%q, %q, %d) = %q, want %q", tt.plan, tt.v.Name, tt.seed, got, tt.want)
		}
	}
}

package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAdaptiveDecode(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want *Adaptive
	}{
		{"absent", "", nil},
		{"full", "adaptive: {min_seeds: 3, max_seeds: 12, looks: [3, 5, 8, 12]}\n", &Adaptive{3, 12, []int{3, 5, 8, 12}}},
		{"looks only", "adaptive:\n  looks: [2, 4, 6]\n", &Adaptive{2, 6, []int{2, 4, 6}}},
		{"default looks", "adaptive: {min_seeds: 3, max_seeds: 12}\n", &Adaptive{3, 12, []int{3, 5, 8, 12}}},
		{"max only", "adaptive: {max_seeds: 20}\n", &Adaptive{3, 20, []int{3, 5, 8, 12, 18, 20}}},
		{"min only", "adaptive: {min_seeds: 4}\n", &Adaptive{4, 12, []int{4, 6, 9, 12}}},
		{"one look", "adaptive: {looks: [5]}\n", &Adaptive{5, 5, []int{5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, "plans/x.yaml", complete(tt.src))
			if diff := cmp.Diff(tt.want, p.Adaptive); diff != "" {
				t.Errorf("adaptive (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdaptiveSettingsDefault(t *testing.T) {
	p := mustParse(t, "plans/x.yaml", complete(""))
	if diff := cmp.Diff(Adaptive{3, 12, []int{3, 5, 8, 12}}, p.AdaptiveSettings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAdaptiveErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []wantErr
	}{
		{"not a mapping", "adaptive: [3, 12]\n", []wantErr{{1, 11, "adaptive: want a mapping"}}},
		{"unknown key", "adaptive:\n  max_seed: 12\n", []wantErr{{2, 3, `adaptive: unknown key "max_seed"`}}},
		{"min too small", "adaptive: {min_seeds: 1}\n", []wantErr{{1, 23, "adaptive: min_seeds must be at least 2, got 1"}}},
		{"not an integer", "adaptive: {max_seeds: many}\n", []wantErr{{1, 23, "adaptive: max_seeds"}}},
		{"max below min", "adaptive:\n  min_seeds: 5\n  max_seeds: 4\n", []wantErr{{3, 14, "max_seeds 4 is below min_seeds 5"}}},
		{"looks not increasing", "adaptive:\n  looks: [3, 8, 5]\n", []wantErr{{2, 17, "look 5 does not come after 8"}}},
		{"look of one seed", "adaptive:\n  looks: [1, 4]\n", []wantErr{{2, 11, "a look at 1 seed(s)"}}},
		{"empty looks", "adaptive:\n  looks: []\n", []wantErr{{2, 10, "looks is an empty list"}}},
		{"first look not min", "adaptive:\n  min_seeds: 2\n  looks: [3, 6]\n", []wantErr{{3, 10, "the first look is at 3 seeds but min_seeds is 2"}}},
		{"last look not max", "adaptive:\n  max_seeds: 10\n  looks: [3, 6]\n", []wantErr{{3, 10, "the last look is at 6 seeds but max_seeds is 10"}}},
		{"twice", "adaptive:\n  looks: [3, 6]\n  looks: [3, 6]\n", []wantErr{{3, 3, `adaptive: key "looks" is set twice (lines 2 and 3)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("plans/x.yaml", []byte(complete(tt.src)))
			wantProblems(t, err, tt.want)
		})
	}
}

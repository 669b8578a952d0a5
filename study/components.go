package study

import "github.com/kxrun/kxrun/plan"

// The two ways the ablation measures a component.
const (
	LeaveOneOut = "leave_one_out" // all against all but the component
	AddOne      = "add_one"       // base plus the component against base
)

// Comparison is one measurement the ablation makes of a feature group or
// a technique: the variant whose gain over its reference says what the
// component is worth, one way.
type Comparison struct {
	Component string             `json:"component"`
	Kind      plan.ComponentKind `json:"kind"` // group or technique
	Way       string             `json:"way"`  // LeaveOneOut or AddOne
	Variant   string             `json:"variant"`
	Reference string             `json:"reference"`
}

// Comparisons lists every comparison of the plan's ablation: for each
// group, then each technique, in plan order, leave one out and add one.
func Comparisons(p *plan.Plan) []Comparison {
	var out []Comparison
	for _, c := range p.Components() {
		out = append(out,
			Comparison{Component: c.Name, Kind: c.Kind, Way: LeaveOneOut, Variant: "-" + c.Name, Reference: "all"},
			Comparison{Component: c.Name, Kind: c.Kind, Way: AddOne, Variant: "+" + c.Name, Reference: "base"})
	}
	return out
}

// Result is the line of the summary that holds a comparison's gain and
// verdict, or nil when the summary has none.
func (s *AblationSummary) Result(c Comparison) *VariantSummary {
	for i := range s.Variants {
		if s.Variants[i].Variant == c.Variant {
			return &s.Variants[i]
		}
	}
	return nil
}

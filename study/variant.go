package study

import (
	"context"

	"github.com/kxrun/kxrun/plan"
)

// RunVariant runs one variant of the plan for the given seeds and commits
// every run; results are in seed order (nil for runs that never started).
func RunVariant(ctx context.Context, opts Options, variant string, seeds []int64) ([]*Finished, error) {
	p := opts.Plan
	v, err := p.Variant(variant)
	if err != nil {
		return nil, &InputError{Msg: err.Error()}
	}
	var runs []plan.RunSpec
	for _, seed := range seeds {
		runs = append(runs, plan.RunSpec{Variant: v, Seed: seed, Name: plan.RunName(p.Name, v, seed)})
	}
	return runSweep(ctx, opts, specsOf(p, runs, opts.Workdir))
}

package study

import (
	"context"

	"github.com/kxrun/kxrun/plan"
)

// VariantRuns lists the runs of one variant of the plan for the seeds.
func VariantRuns(p *plan.Plan, variant string, seeds []int64) ([]plan.RunSpec, error) {
	v, err := p.Variant(variant)
	if err != nil {
		return nil, err
	}
	runs := make([]plan.RunSpec, len(seeds))
	for i, seed := range seeds {
		runs[i] = plan.RunSpec{Variant: v, Seed: seed, Name: plan.RunName(p.Name, v, seed)}
	}
	return runs, nil
}

// RunVariant makes the given runs (from VariantRuns) and commits each;
// results are in seed order (nil for runs that never started).
func RunVariant(ctx context.Context, opts Options, runs []plan.RunSpec) ([]*Finished, error) {
	return runSweep(ctx, opts, runs)
}

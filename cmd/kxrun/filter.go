package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/kxrun/kxrun/tracker"
)

// runFilter selects runs by what they were made from; empty fields match
// everything.
type runFilter struct {
	Plan, Competition, Status, Variant string
}

func (f *runFilter) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.Plan, "plan", "", "only runs of this plan (its name)")
	fl.StringVar(&f.Competition, "competition", "", "only runs of this competition")
	fl.StringVar(&f.Status, "status", "", "only runs with this status: ok, failed or cancelled")
	fl.StringVar(&f.Variant, "variant", "", "only runs of this variant (all, base, -group, +group)")
}

func (f runFilter) set() bool { return f != runFilter{} }

func (f runFilter) validate() error {
	switch f.Status {
	case "", "ok", "failed", "cancelled":
		return nil
	}
	return usagef("--status failed", "--status must be ok, failed or cancelled, got %q", f.Status)
}

func (f runFilter) match(r *tracker.Row) bool {
	return (f.Plan == "" || r.Plan == f.Plan) && (f.Competition == "" || strings.EqualFold(r.Competition, f.Competition)) &&
		(f.Status == "" || r.Status == f.Status) && (f.Variant == "" || r.Variant == f.Variant)
}

// filterRows keeps the rows f matches.
func filterRows(rows []tracker.Row, f runFilter) []tracker.Row {
	if !f.set() {
		return rows
	}
	var out []tracker.Row
	for i := range rows {
		if f.match(&rows[i]) {
			out = append(out, rows[i])
		}
	}
	return out
}

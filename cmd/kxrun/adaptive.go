package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/study"
)

// adaptiveFlags are the flags of an adaptive sweep.
type adaptiveFlags struct {
	Adaptive bool
	Deadline string
	Budget   time.Duration
}

// deadline is when the sweep must end: --deadline (a time of day, the
// next one to come, or a date and time) or now plus --budget; zero for
// neither.
func (f *adaptiveFlags) deadline(now time.Time) (time.Time, error) {
	switch {
	case f.Deadline != "" && f.Budget != 0:
		return time.Time{}, usagef("give either --deadline 07:00 or --budget 3h", "--deadline and --budget cannot be used together")
	case (f.Deadline != "" || f.Budget != 0) && !f.Adaptive:
		return time.Time{}, usagef("add --adaptive", "--deadline and --budget schedule an adaptive sweep: they need --adaptive")
	case f.Budget < 0:
		return time.Time{}, usagef("--budget 3h", "--budget must be positive, got %s", f.Budget)
	case f.Budget > 0:
		return now.Add(f.Budget), nil
	case f.Deadline == "":
		return time.Time{}, nil
	}
	return parseDeadline(f.Deadline, now)
}

// parseDeadline reads 07:00 (the next 07:00 in local time),
// 2026-12-04 07:00, 2026-12-04T07:00 or an RFC 3339 time.
func parseDeadline(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			d := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, now.Location())
			if !d.After(now) {
				d = d.AddDate(0, 0, 1)
			}
			return d, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			if !t.After(now) {
				return time.Time{}, usagef("give a time to come, e.g. --deadline 07:00", "--deadline %s has passed", s)
			}
			return t, nil
		}
	}
	return time.Time{}, usagef("--deadline 07:00 (the next 07:00), --deadline \"2026-12-04 07:00\" or --budget 3h", "--deadline %q: not a time", s)
}

// adaptiveSweep is kxrun ablation --adaptive.
func adaptiveSweep(c *sweepCmd, deadline time.Time) {
	p := c.plan
	a := p.AdaptiveSettings()
	c.prepare = func() ([]plan.RunSpec, error) {
		pp := *p
		pp.Seeds = study.ChooseSeeds(p.Seeds, a.MaxSeeds)[:a.MinSeeds]
		return pp.Runs(), nil
	}
	c.dryNote = fmt.Sprintf("adaptive sweep: the first look's runs (%d seeds); later looks depend on their results", a.MinSeeds)
	c.header = func(so *study.Options) string {
		return fmt.Sprintf("kxrun: %s: adaptive sweep of %d variants, %d to %d seeds (looks at %s), up to %d runs, %d at a time%s, logging to %s",
			p.Name, countRun(p.Variants()), a.MinSeeds, a.MaxSeeds, intsText(a.Looks), countRun(p.Variants())*a.MaxSeeds, so.Jobs, untilText(deadline), displayPath(so.Tracker.Dir))
	}
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		sum, err := study.AdaptiveAblation(ctx, so, study.AdaptiveOptions{Deadline: deadline})
		return ablationEnd(sum), err
	}
}

// untilText is ", until <deadline>" for a sweep's first line; "" for no
// deadline.
func untilText(deadline time.Time) string {
	if deadline.IsZero() {
		return ""
	}
	return ", until " + deadline.Format("2006-01-02 15:04:05")
}

func intsText(xs []int) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(x)
	}
	return s
}

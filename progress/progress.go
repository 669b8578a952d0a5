// Package progress shows a sweep's progress: a live display redrawn in
// place on a terminal, plain lines everywhere else (CI logs, nohup), where
// escape codes would be noise.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
)

// Plain prints a line when a run starts; the sweep prints one when it
// ends. No escape codes.
type Plain struct{ W io.Writer }

func (p Plain) SweepStarted(total, cached int) {}

func (p Plain) RunStarted(spec *runner.Spec, attempt int) {
	if attempt > 1 {
		fmt.Fprintf(p.W, "start    %s (attempt %d)\n", spec.Name, attempt)
		return
	}
	fmt.Fprintf(p.W, "start    %s\n", spec.Name)
}

func (p Plain) RunFinished(f *study.Finished) {}

// counts is what the live display shows.
type counts struct {
	total, done, running, failed, cached int
	fresh                                int
	busy                                 time.Duration // summed duration of fresh runs
	best                                 *float64
}

// Live is a progress bar with counters, redrawn in place, with the
// finished-run lines printed above it.
type Live struct {
	p     *mpb.Progress
	bar   *mpb.Bar
	start time.Time
	jobs  int
	dir   plan.Direction

	mu sync.Mutex
	c  counts
}

// NewLive starts a live display on w (a terminal).
func NewLive(w io.Writer, jobs int, dir plan.Direction) *Live {
	l := &Live{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithRefreshRate(200*time.Millisecond)),
		start: time.Now(), jobs: max(jobs, 1), dir: dir}
	return l
}

// Writer prints lines above the display.
func (l *Live) Writer() io.Writer { return l.p }

func (l *Live) SweepStarted(total, cached int) {
	l.mu.Lock()
	l.c.total, l.c.cached, l.c.done = total, cached, cached
	l.mu.Unlock()
	l.bar = l.p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return l.counters() })),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return l.timing() })),
	)
	l.bar.SetCurrent(int64(cached))
}

func (l *Live) RunStarted(spec *runner.Spec, attempt int) {
	if attempt > 1 {
		return
	}
	l.mu.Lock()
	l.c.running++
	l.mu.Unlock()
}

func (l *Live) RunFinished(f *study.Finished) {
	if f.Cached {
		return // counted when the sweep started
	}
	l.mu.Lock()
	l.c.running--
	l.c.done++
	l.c.fresh++
	l.c.busy += time.Duration(f.Record.DurationS * float64(time.Second))
	if f.Record.Status != string(runner.StatusOK) {
		l.c.failed++
	}
	if s := f.Record.CVScore; s != nil && (l.c.best == nil || l.dir.Better(*s, *l.c.best)) {
		v := *s
		l.c.best = &v
	}
	l.mu.Unlock()
	if l.bar != nil {
		l.bar.Increment()
	}
}

func (l *Live) counters() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d/%d done, %d running, %d failed, %d cached", l.c.done, l.c.total, l.c.running, l.c.failed, l.c.cached)
}

func (l *Live) timing() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	elapsed := time.Since(l.start).Round(time.Second)
	s := fmt.Sprintf(" %s elapsed, ETA %s", elapsed, ETA(l.c.total-l.c.done, l.c.fresh, l.c.busy, l.jobs))
	if l.c.best != nil {
		s += fmt.Sprintf(", best %.5f", *l.c.best)
	}
	return s
}

// ETA estimates the time left for remaining runs from the mean duration of
// the fresh runs so far, jobs at a time.
func ETA(remaining, fresh int, busy time.Duration, jobs int) string {
	if remaining <= 0 {
		return "0s"
	}
	if fresh == 0 {
		return "?"
	}
	mean := busy / time.Duration(fresh)
	waves := (remaining + jobs - 1) / jobs
	return (mean * time.Duration(waves)).Round(time.Second).String()
}

// Close stops the display, leaving the last state on screen.
func (l *Live) Close() {
	if l.bar != nil && !l.bar.Completed() {
		l.bar.Abort(false)
	}
	l.p.Wait()
}

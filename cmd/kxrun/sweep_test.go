package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kxrun/kxrun/study"
)

// cancelAfter interrupts a sweep once n of its runs have finished, as a
// Ctrl-C would.
type cancelAfter struct {
	study.Events
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) RunFinished(f *study.Finished) {
	c.Events.RunFinished(f)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n--; c.n == 0 {
		c.cancel()
	}
}

// An adaptive sweep interrupted once some gains are measured writes its
// report and its figure under one name, that of a partial report.
func TestInterruptedAdaptiveReportAndFigureShareName(t *testing.T) {
	_, path := installCommands(t)
	t.Setenv("PATH", path)
	t.Chdir(t.TempDir())
	planText := "name: cut\ncommand: [faketrainer]\njobs: 1\nseeds: [1, 2, 3]\nenv: {FAKE_SLEEP: 50ms}\n" +
		"base_features: [b1]\nfeature_groups:\n  strong: [strong_1]\nadaptive: {looks: [3, 5]}\n"
	if err := os.WriteFile("plan.yaml", []byte(planText), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	g := &globals{Dir: "exp", Jobs: 1, stdout: &stdout, stderr: &stderr}
	p, err := loadPlan("plan.yaml", g.stderr)
	if err != nil {
		t.Fatal(err)
	}
	c := sweepCmd{plan: p, source: "ablation", json: true}
	adaptiveSweep(&c, time.Time{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	run := c.run
	c.run = func(ctx context.Context, so study.Options) (*sweepEnd, error) {
		// The first look's six runs are base and all for three seeds:
		// after five, two seeds have a gain.
		so.Events = &cancelAfter{Events: so.Events, n: 5, cancel: cancel}
		return run(ctx, so)
	}
	err = runSweepCmd(ctx, g, &sweepFlags{}, c)
	if !study.IsInterrupted(err) {
		t.Fatalf("error %v, want an interrupted sweep\n%s", err, stderr.String())
	}
	var sum study.AblationSummary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if !sum.Interrupted || sum.Plot == nil {
		t.Fatalf("interrupted %v, plot %v (%s): want an interrupted sweep with its figure", sum.Interrupted, sum.Plot, sum.PlotNote)
	}
	base := strings.TrimSuffix(filepath.Base(sum.Report), ".md")
	if !strings.HasSuffix(base, "_cut_ablation_partial") {
		t.Errorf("report %s: want the partial report's name", sum.Report)
	}
	for _, f := range []string{sum.Report, sum.Plot.PNG, sum.Plot.SVG} {
		if strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)) != base {
			t.Errorf("%s: not named %s like the report", f, base)
		}
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/study"
	"github.com/kxrun/kxrun/tracker"
)

func TestETA(t *testing.T) {
	tests := []struct {
		remaining, fresh int
		busy             time.Duration
		jobs             int
		want             string
	}{
		{0, 3, 3 * time.Second, 2, "0s"},
		{5, 0, 0, 2, "?"},
		{4, 2, 20 * time.Second, 2, "20s"}, // mean 10 s, two waves of 2
		{5, 2, 20 * time.Second, 2, "30s"}, // three waves
		{3, 1, 90 * time.Minute, 1, "4h30m0s"},
	}
	for _, tt := range tests {
		if got := ETA(tt.remaining, tt.fresh, tt.busy, tt.jobs); got != tt.want {
			t.Errorf("ETA(%d, %d, %s, %d) = %s, want %s", tt.remaining, tt.fresh, tt.busy, tt.jobs, got, tt.want)
		}
	}
}

func TestPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := Plain{W: &b}
	spec := &runner.Spec{Name: "demo_all_s42"}
	p.SweepStarted(2, 0)
	p.RunStarted(spec, 1)
	p.RunStarted(spec, 2)
	if got, want := b.String(), "start    demo_all_s42\nstart    demo_all_s42 (attempt 2)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLiveCounts(t *testing.T) {
	var b bytes.Buffer
	l := NewLive(&b, 2, plan.Maximize)
	l.SweepStarted(3, 1)
	spec := &runner.Spec{Name: "r"}
	score := 0.8
	l.RunStarted(spec, 1)
	l.RunStarted(spec, 1)
	l.RunFinished(&study.Finished{Spec: spec, Record: &tracker.Record{Status: "ok", CVScore: &score, DurationS: 2}})
	l.RunFinished(&study.Finished{Spec: spec, Record: &tracker.Record{Status: "failed", DurationS: 4}})
	if got := l.counters(); got != "3/3 done, 0 running, 1 failed, 1 cached" {
		t.Errorf("counters %q", got)
	}
	if got := l.timing(); !strings.Contains(got, "ETA 0s, best 0.80000") {
		t.Errorf("timing %q", got)
	}
	l.Close()
}

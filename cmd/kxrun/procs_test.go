package main

import (
	"runtime"
	"testing"
)

// While runs go, kxrun's goroutines get one processor per four runs, never
// more than they had, and the setting comes back afterwards; a GOMAXPROCS
// the user set is left alone.
func TestOrchestrationProcs(t *testing.T) {
	old := runtime.GOMAXPROCS(8)
	defer runtime.GOMAXPROCS(old)
	t.Setenv("GOMAXPROCS", "")
	for _, c := range []struct{ jobs, want int }{{1, 1}, {2, 1}, {4, 1}, {5, 2}, {16, 4}, {64, 8}} {
		restore := orchestrationProcs(c.jobs)
		if got := runtime.GOMAXPROCS(0); got != c.want {
			t.Errorf("jobs %d: %d processors, want %d", c.jobs, got, c.want)
		}
		restore()
		if got := runtime.GOMAXPROCS(0); got != 8 {
			t.Errorf("jobs %d: %d processors after, want 8 back", c.jobs, got)
		}
	}
	t.Setenv("GOMAXPROCS", "8")
	restore := orchestrationProcs(2)
	if got := runtime.GOMAXPROCS(0); got != 8 {
		t.Errorf("with GOMAXPROCS set by the user: %d processors", got)
	}
	restore()
}

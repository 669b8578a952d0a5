package report

import (
	"runtime/debug"
	"testing"
)

// holdGC turns the collector off for a report and release puts back the
// pace it found; limit sets a ceiling above the heap held. A pace the user
// chose (GOGC, GOMEMLIMIT) is left alone.
func TestHoldGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	beforeLimit := debug.SetMemoryLimit(-1)
	g := holdGC()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("while held, GC percent %d, want -1 (off)", p)
	}
	g.limit()
	limit := debug.SetMemoryLimit(-1)
	if limit == beforeLimit || limit < 64<<20 {
		t.Errorf("memory limit %d, want a ceiling above 64 MB", limit)
	}
	g.release()
	if p := debug.SetGCPercent(before); p != before {
		t.Errorf("after release, GC percent %d, want %d", p, before)
	}
	if l := debug.SetMemoryLimit(-1); l != beforeLimit {
		t.Errorf("after release, memory limit %d, want %d", l, beforeLimit)
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			g := holdGC()
			g.limit()
			if p := debug.SetGCPercent(before); p != before {
				t.Errorf("with %s set, GC percent %d, want %d", env, p, before)
			}
			if l := debug.SetMemoryLimit(-1); l != beforeLimit {
				t.Errorf("with %s set, memory limit %d, want %d", env, l, beforeLimit)
			}
			g.release()
		})
	}
}

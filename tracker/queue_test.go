package tracker

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func newTestExchange(t *testing.T) *Exchange {
	t.Helper()
	tr := mustOpen(t, t.TempDir())
	x, err := tr.NewExchange()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenExchange(x.Root()); err != nil {
		t.Fatalf("OpenExchange of a new exchange: %v", err)
	}
	return x
}

// Workers claiming at once take every task exactly once (each claim opens
// the lock file anew, as separate processes do).
func TestQueueClaimsOnce(t *testing.T) {
	x := newTestExchange(t)
	var want []string
	for i := range 200 {
		name := fmt.Sprintf("t%07d", i)
		want = append(want, name)
		if err := x.Enqueue(name); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for {
				name, ok, err := x.Claim(fmt.Sprint("w", w))
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
				mu.Lock()
				got = append(got, name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claimed (-want +got):\n%s", diff)
	}
	if n, _ := x.Pending(); n != 0 {
		t.Errorf("%d tasks left pending", n)
	}
}

// A dead worker's claims without an exit file go back to the queue, in
// order; one with an exit file (it finished just before dying) does not.
func TestQueueRequeue(t *testing.T) {
	x := newTestExchange(t)
	for _, n := range []string{"t1", "t2", "t3"} {
		x.Enqueue(n)
	}
	for range 3 {
		if _, ok, err := x.Claim("12"); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
	}
	if err := x.WriteExit("t2", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	claims, _ := x.Claims()
	if diff := cmp.Diff(map[string]string{"t1": "12", "t2": "12", "t3": "12"}, claims); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	back, err := x.Requeue("12")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"t1", "t3"}, back); diff != "" {
		t.Errorf("requeued (-want +got):\n%s", diff)
	}
	if name, _, _ := x.Claim("13"); name != "t1" {
		t.Errorf("next claim %q, want t1", name)
	}
	if ok, _ := x.Unqueue("t3"); !ok {
		t.Error("t3 could not be taken out of the queue")
	}
	if ok, _ := x.Unqueue("t1"); ok {
		t.Error("a claimed task was taken out of the queue")
	}
}

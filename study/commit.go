package study

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// committer logs finished runs in the background, so that a worker starts
// its next run while the last one is made durable, and runs that end
// together share one commit (one sync of the file system, one append).
// A run counts as logged, and is printed, only once its row is in.
//
// When runs end in quick succession (short runs, many at once) the
// committer also waits groupWait before committing, so that more runs
// share each sync: a lone run is committed at once.
type committer struct {
	s     *sweep
	mu    sync.Mutex
	queue []queued
	err   error // the first failed commit: the sweep stops
	wake  chan struct{}
	done  chan struct{}
	// closing is set by close: what is queued then is committed at once.
	closing atomic.Bool
	// lastCommit is when the previous commit ended.
	lastCommit time.Time
}

const (
	// groupWait is how long a commit waits for more runs to end, when the
	// previous commit ended less than busyGap ago: nothing against a real
	// training run, while a sweep of 1,000 trivial runs makes 95 syncs
	// instead of about 600. A run that ends alone is not delayed.
	groupWait = 16 * time.Millisecond
	busyGap   = 100 * time.Millisecond
)

type queued struct {
	pending tracker.Pending
	finish  *Finished
}

func newCommitter(s *sweep) *committer {
	c := &committer{s: s, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.loop()
	return c
}

// add queues a finished run; the error is that of an earlier commit, which
// stops the sweep.
func (c *committer) add(q queued) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.queue = append(c.queue, q)
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// close waits until everything queued is committed and returns the first
// commit error.
func (c *committer) close() error {
	c.closing.Store(true)
	close(c.wake)
	<-c.done
	// The next process starts from the summary; a failure only costs it a
	// read of runs.csv.
	_ = c.s.opts.Tracker.Flush()
	return c.err
}

func (c *committer) loop() {
	defer close(c.done)
	for range c.wake {
		for {
			if !c.lastCommit.IsZero() && time.Since(c.lastCommit) < busyGap && !c.closing.Load() {
				time.Sleep(groupWait)
			}
			c.mu.Lock()
			batch := c.queue
			c.queue = nil
			failed := c.err != nil
			c.mu.Unlock()
			if len(batch) == 0 || failed {
				break
			}
			err := c.commit(batch)
			c.lastCommit = time.Now()
			if err != nil {
				c.mu.Lock()
				c.err = err
				c.mu.Unlock()
			}
		}
	}
}

func (c *committer) commit(batch []queued) error {
	pending := make([]tracker.Pending, len(batch))
	for i, q := range batch {
		pending[i] = q.pending
	}
	nbs, err := c.s.opts.Tracker.CommitBatch(pending)
	for i, nb := range nbs {
		c.s.logged(batch[i].finish, nb)
		// Logged: a sweep waiting for this run can reuse it now.
		c.s.opts.Tracker.Release(batch[i].finish.Spec.Fingerprint)
	}
	if err != nil {
		name := batch[len(nbs)].finish.Spec.Name
		return fmt.Errorf("could not log run %s: %w", name, err)
	}
	return nil
}

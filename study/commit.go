package study

import (
	"fmt"
	"sync"

	"github.com/kxrun/kxrun/tracker"
)

// committer logs finished runs in the background, so that a worker starts
// its next run while the last one is made durable, and runs that end
// together share one commit (one sync of the file system, one append).
// A run counts as logged, and is printed, only once its row is in.
type committer struct {
	s     *sweep
	mu    sync.Mutex
	queue []queued
	err   error // the first failed commit: the sweep stops
	wake  chan struct{}
	done  chan struct{}
}

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
	close(c.wake)
	<-c.done
	return c.err
}

func (c *committer) loop() {
	defer close(c.done)
	for range c.wake {
		for {
			c.mu.Lock()
			batch := c.queue
			c.queue = nil
			failed := c.err != nil
			c.mu.Unlock()
			if len(batch) == 0 || failed {
				break
			}
			if err := c.commit(batch); err != nil {
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
	}
	if err != nil {
		name := batch[len(nbs)].finish.Spec.Name
		return fmt.Errorf("could not log run %s: %w", name, err)
	}
	return nil
}

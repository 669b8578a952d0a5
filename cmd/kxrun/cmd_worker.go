package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/tracker"
)

type workerOptions struct {
	*globals
	Exchange  string
	ArrayList string
	Queue     bool
	Linger    time.Duration
}

// newWorkerCmd is the command kxrun's Slurm jobs run on their node; users
// never type it.
func newWorkerCmd(g *globals) *cobra.Command {
	opts := &workerOptions{globals: g}
	cmd := &cobra.Command{
		Use:    "worker --exchange DIR (--array-list NAME | --queue)",
		Short:  "Run a sweep's tasks inside a Slurm job (started by the Slurm executor)",
		Hidden: true,
		Args:   exactArgs(0, "kxrun worker --exchange DIR --queue"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWorker(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Exchange, "exchange", "", "the sweep's exchange directory")
	fl.StringVar(&opts.ArrayList, "array-list", "", "run the task of $SLURM_ARRAY_TASK_ID in this list")
	fl.BoolVar(&opts.Queue, "queue", false, "take tasks from the queue until it is empty")
	fl.DurationVar(&opts.Linger, "linger", runner.WorkerLinger, "how long to wait on an empty queue before exiting")
	return cmd
}

// workerGrace is a run's time between SIGTERM and SIGKILL when its job is
// cancelled: less than the KillWait Slurm gives the job itself (30 s by
// default, often set lower).
const workerGrace = 3 * time.Second

func runWorker(ctx context.Context, opts *workerOptions) error {
	if (opts.ArrayList == "") == !opts.Queue {
		return usagef("kxrun worker --exchange DIR --queue", "give one of --array-list and --queue")
	}
	x, err := tracker.OpenExchange(opts.Exchange)
	if err != nil {
		return err
	}
	w := &runner.Worker{Exchange: x, Linger: opts.Linger, Grace: workerGrace}
	if err := w.Probe(); err != nil {
		return err
	}
	if opts.Queue {
		return w.RunQueue(ctx)
	}
	code, err := w.RunArrayTask(ctx, opts.ArrayList)
	if err != nil {
		return err
	}
	if code != 0 {
		return &exitStatusError{code: code}
	}
	return nil
}

// exitStatusError ends kxrun with the status of the run a worker made, so
// that Slurm's view of the job agrees with the run's.
type exitStatusError struct{ code int }

func (e *exitStatusError) Error() string { return fmt.Sprintf("the run exited with status %d", e.code) }

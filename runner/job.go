package runner

import (
	"context"
	"io"
	"time"

	"github.com/kxrun/kxrun/plan"
)

// Job is one process to run.
type Job struct {
	Name string // the run's name, for messages and cluster job listings
	// Index is the run's position in the sweep: an executor that is given
	// many jobs at once submits them in this order.
	Index   int
	Command plan.Command // placeholders already expanded
	Dir     string
	Env     []string // the complete environment of the child
	Timeout time.Duration
	Log     io.Writer // receives stdout and stderr as they are written
	// Marker, if set, is an entry of Env ("NAME=value") that only this
	// job's processes have: those still running when the job ends, in its
	// process group or not, are terminated.
	Marker string
}

// Outcome is what happened to a job's process.
type Outcome struct {
	Start, End   time.Time
	ExitCode     int    // -1 when the process did not exit normally
	Signal       string // the signal that ended it, if any
	SignalNumber int
	TimedOut     bool
	Cancelled    bool  // stopped because kxrun was interrupted
	StartErr     error // the process could not be started
	// ResultLine is the last line of stdout that is a JSON object, or nil.
	ResultLine []byte
	// ResultLineErr says why the last line of stdout that looked like a
	// JSON object was not a valid one, when no valid one followed it.
	ResultLineErr   error
	StderrTail      string
	OutputBytes     int64
	OutputAbandoned bool // a process outside the group held the output open
	// Lost, when set, says why the job ended without telling how its
	// command did (a cluster job that vanished): the run failed.
	Lost string
	// Requeued counts earlier tries of this job that a cluster executor
	// lost and ran again on its own; each is counted as an attempt.
	Requeued int
	// Details are what the executor knows of where the job ran (job id,
	// node, ...), recorded with the run; nil for the local executor.
	Details map[string]string
}

// Duration is the wall time of the job.
func (o Outcome) Duration() time.Duration { return o.End.Sub(o.Start) }

// Executor runs jobs somewhere. Local runs them on this machine; a cluster
// executor (Slurm) can implement the same contract.
type Executor interface {
	Execute(ctx context.Context, job Job) Outcome
}

// Scheduler is an Executor that bounds how many jobs run at once itself,
// as a cluster's scheduler does: Run hands it InFlight(jobs, runs) jobs at
// once instead of jobs, so that it can submit them together.
type Scheduler interface {
	Executor
	InFlight(jobs, runs int) int
}

const (
	// maxResultLine bounds the memory spent on a candidate result line; a
	// result with 10,000 folds is a few hundred kilobytes.
	maxResultLine = 16 << 20
	// stderrTailBytes is how much of the end of stderr goes into a run's
	// record to explain a failure.
	stderrTailBytes = 4 << 10
	// pipeDrainLimit bounds the wait for output after the group is gone.
	pipeDrainLimit = 2 * time.Second
)

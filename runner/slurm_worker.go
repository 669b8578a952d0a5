package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/plan"
)

// Exchange is the directory on the shared file system through which a
// cluster executor and its jobs talk: tasks, a queue, logs, exit files and
// probes. The tracker provides it (tracker.Exchange); see there for the
// layout.
type Exchange interface {
	Root() string
	WriteScript(name string, data []byte) (string, error)
	PutTask(name string, data []byte) error
	Task(name string) ([]byte, error)
	LogPath(name string) string
	SlurmOutput() string
	SlurmOutputOf(job string) string
	WriteExit(name string, data []byte) error
	Exit(name string) ([]byte, error)
	Exits() (map[string]bool, error)
	WriteProbe(job string, data []byte) error
	Probes() (map[string]bool, error)
	Forget(name string)
	Enqueue(name string) error
	Unqueue(name string) (bool, error)
	Claim(worker string) (string, bool, error)
	Done(worker, name string)
	Requeue(worker string) ([]string, error)
	Claims() (map[string]string, error)
	CloseQueue() error
	QueueClosed() bool
	Pending() (int, error)
	WriteJobs(data []byte) error
}

// task is one attempt of a run as a job on the cluster runs it.
type task struct {
	Name    string        `json:"name"`
	Command plan.Command  `json:"command"`
	Dir     string        `json:"dir"`
	Env     []string      `json:"env"`
	Timeout time.Duration `json:"timeout"`
	Marker  string        `json:"marker"`
}

// taskExit is the exit file of a task: its Outcome, and where it ran.
type taskExit struct {
	ExitCode        int       `json:"exit_code"`
	Signal          string    `json:"signal,omitempty"`
	SignalNumber    int       `json:"signal_number,omitempty"`
	TimedOut        bool      `json:"timed_out,omitempty"`
	StartErr        string    `json:"start_error,omitempty"`
	ResultLine      []byte    `json:"result_line,omitempty"`
	ResultLineErr   string    `json:"result_line_error,omitempty"`
	StderrTail      string    `json:"stderr_tail,omitempty"`
	OutputBytes     int64     `json:"output_bytes"`
	OutputAbandoned bool      `json:"output_abandoned,omitempty"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	Node            string    `json:"node"`
	JobID           string    `json:"job_id"`
	ArrayJobID      string    `json:"array_job_id,omitempty"`
	ArrayIndex      string    `json:"array_index,omitempty"`
}

func (e *taskExit) outcome() Outcome {
	o := Outcome{
		ExitCode: e.ExitCode, Signal: e.Signal, SignalNumber: e.SignalNumber, TimedOut: e.TimedOut,
		ResultLine: e.ResultLine, StderrTail: e.StderrTail, OutputBytes: e.OutputBytes,
		OutputAbandoned: e.OutputAbandoned, Start: e.Start, End: e.End,
	}
	if e.StartErr != "" {
		o.StartErr = errors.New(e.StartErr)
	}
	if e.ResultLineErr != "" {
		o.ResultLineErr = errors.New(e.ResultLineErr)
	}
	return o
}

// nodeVars are the variables Slurm sets for a job that its runs must see
// rather than those of the machine kxrun was started on: the GPUs Slurm
// gave the job above all.
var nodeVars = []string{"CUDA_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL", "ROCR_VISIBLE_DEVICES", "HOSTNAME", "TMPDIR"}

func isNodeVar(k string) bool {
	if strings.HasPrefix(k, "SLURM_") || strings.HasPrefix(k, "SLURMD_") {
		return true
	}
	for _, v := range nodeVars {
		if k == v {
			return true
		}
	}
	return false
}

// Worker runs tasks of an exchange inside a Slurm job: `kxrun worker`.
type Worker struct {
	Exchange Exchange
	// Linger is how long an empty queue is watched before the worker
	// exits: a retry may come in meanwhile.
	Linger time.Duration
	// Grace is the time a run gets between SIGTERM and SIGKILL when the
	// job is cancelled; it must be shorter than Slurm's KillWait.
	Grace time.Duration
}

// jobKey names the job the worker runs in: "12" or, for an array task,
// "12_3"; a probe file has this name.
func jobKey() string {
	if a, i := os.Getenv("SLURM_ARRAY_JOB_ID"), os.Getenv("SLURM_ARRAY_TASK_ID"); a != "" && i != "" {
		return a + "_" + i
	}
	if id := os.Getenv("SLURM_JOB_ID"); id != "" {
		return id
	}
	return fmt.Sprintf("pid%d", os.Getpid())
}

// Probe writes the job's probe file, which tells kxrun the job sees the
// exchange directory.
func (w *Worker) Probe() error {
	host, _ := os.Hostname()
	data, _ := json.Marshal(map[string]string{"node": os.Getenv("SLURMD_NODENAME"), "host": host, "pid": fmt.Sprint(os.Getpid())})
	if err := w.Exchange.WriteProbe(jobKey(), data); err != nil {
		return fmt.Errorf("write the probe file in %s: %w", w.Exchange.Root(), err)
	}
	return nil
}

// RunTask runs one task and writes its exit file. It returns the exit
// status the job should end with: the command's, so that Slurm's own view
// (COMPLETED or FAILED) agrees with the run. Interrupted (the job was
// cancelled), it writes no exit file: kxrun then sees the job gone and
// records why.
func (w *Worker) RunTask(ctx context.Context, name string) (int, error) {
	data, err := w.Exchange.Task(name)
	if err != nil {
		return 2, fmt.Errorf("read task %s: %w", name, err)
	}
	var t task
	if err := json.Unmarshal(data, &t); err != nil {
		return 2, fmt.Errorf("task %s: %w", name, err)
	}
	log, err := os.OpenFile(w.Exchange.LogPath(name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return 2, fmt.Errorf("open the log of task %s: %w", name, err)
	}
	defer log.Close() // on the early returns; closing twice is harmless
	var kept []string
	for _, kv := range t.Env {
		if k, _, _ := strings.Cut(kv, "="); !isNodeVar(k) {
			kept = append(kept, kv)
		}
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); isNodeVar(k) {
			kept = append(kept, kv)
		}
	}
	// A run directory may hold what a lost earlier try of this task left.
	if dir := envValue(t.Env, "KXRUN_RUN_DIR"); dir != "" {
		emptyDir(dir)
	}
	local := &Local{Grace: w.Grace}
	out := local.Execute(ctx, Job{Name: name, Command: t.Command, Dir: t.Dir, Env: kept, Timeout: t.Timeout, Log: log, Marker: t.Marker})
	if ctx.Err() != nil {
		return 143, nil
	}
	e := taskExit{
		ExitCode: out.ExitCode, Signal: out.Signal, SignalNumber: out.SignalNumber, TimedOut: out.TimedOut,
		ResultLine: out.ResultLine, StderrTail: out.StderrTail, OutputBytes: out.OutputBytes,
		OutputAbandoned: out.OutputAbandoned, Start: out.Start, End: out.End,
		Node: os.Getenv("SLURMD_NODENAME"), JobID: os.Getenv("SLURM_JOB_ID"),
		ArrayJobID: os.Getenv("SLURM_ARRAY_JOB_ID"), ArrayIndex: os.Getenv("SLURM_ARRAY_TASK_ID"),
	}
	if e.Node == "" {
		e.Node, _ = os.Hostname()
	}
	if out.StartErr != nil {
		e.StartErr = out.StartErr.Error()
	}
	if out.ResultLineErr != nil {
		e.ResultLineErr = out.ResultLineErr.Error()
	}
	// Closed before the exit file is written: on a network file system,
	// closing is what makes the log's content visible to kxrun's machine.
	if err := log.Close(); err != nil {
		return 2, fmt.Errorf("log of task %s: %w", name, err)
	}
	data, _ = json.Marshal(e)
	if err := w.Exchange.WriteExit(name, data); err != nil {
		return 2, fmt.Errorf("write the exit file of task %s: %w", name, err)
	}
	switch {
	case out.StartErr != nil || out.TimedOut || out.Signal != "":
		return 1, nil
	case out.ExitCode > 0 && out.ExitCode < 256:
		return out.ExitCode, nil
	}
	return 0, nil
}

// RunQueue takes tasks from the queue one at a time until it has been
// empty for Linger (or empty and closed), or ctx is cancelled.
func (w *Worker) RunQueue(ctx context.Context) error {
	id := jobKey()
	idle := time.Now()
	for ctx.Err() == nil {
		name, ok, err := w.Exchange.Claim(id)
		if err != nil {
			return fmt.Errorf("claim a task: %w", err)
		}
		if !ok {
			if time.Since(idle) >= w.Linger || w.Exchange.QueueClosed() {
				return nil
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		if _, err := w.RunTask(ctx, name); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil // the claim stays: kxrun gives the task to another worker
		}
		w.Exchange.Done(id, name)
		idle = time.Now()
	}
	return nil
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// emptyDir removes what is in dir, keeping dir.
func emptyDir(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		os.MkdirAll(dir, 0o755)
		return
	}
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// RunArrayTask runs the task of this array task: line $SLURM_ARRAY_TASK_ID
// of the batch's list.
func (w *Worker) RunArrayTask(ctx context.Context, list string) (int, error) {
	data, err := w.Exchange.Task(list)
	if err != nil {
		return 2, fmt.Errorf("read the task list %s: %w", list, err)
	}
	i, err := strconv.Atoi(os.Getenv("SLURM_ARRAY_TASK_ID"))
	names := strings.Fields(string(data))
	if err != nil || i < 0 || i >= len(names) {
		return 2, fmt.Errorf("SLURM_ARRAY_TASK_ID %q is not an index of the %d tasks of %s", os.Getenv("SLURM_ARRAY_TASK_ID"), len(names), list)
	}
	return w.RunTask(ctx, names[i])
}

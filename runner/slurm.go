package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kxrun/kxrun/plan"
)

// Slurm runs jobs on a Slurm cluster. Each job becomes a task in the
// exchange directory on the shared file system; a `kxrun worker` inside a
// Slurm job runs it with the local executor's guarantees (process group,
// timeout, output capture) and writes an exit file, which is how kxrun
// learns that a run ended. squeue is asked only to notice jobs that
// vanished, once per poll interval for all jobs at once.
//
// In array mode the jobs that arrive together go to Slurm as one job
// array, throttled to Jobs tasks at once; in workers mode a few worker
// jobs take the tasks from a queue one at a time, which avoids the
// scheduler's cost per run.
type Slurm struct {
	Settings plan.Slurm
	Jobs     int      // runs at once: the array throttle, and the default number of workers
	Name     string   // job name shown by squeue
	Exchange Exchange // where tasks, exit files and probes are shared
	Kxrun    string   // the kxrun program the jobs run, at a path the nodes see
	Timeout  time.Duration
	// JobDir, when set, is the exchange directory as the jobs are told to
	// find it (the nodes would mount the shared file system elsewhere).
	JobDir string
	// Bin is where sbatch, squeue and scancel are; from PATH when empty.
	Bin string

	once    sync.Once
	reqs    chan *slurmTask
	cancels chan *slurmTask
	closing chan chan struct{}
	fatal   error // set by the monitor: every job fails with it
	seq     int

	// owned by the monitor goroutine
	active   map[string]*slurmTask
	batch    []*slurmTask
	batchAt  time.Time
	batchNo  int
	workers  map[string]*slurmJob
	lastPoll time.Time
	probed   bool
}

// slurmTask is one Execute call: a task in the exchange until its exit
// file arrives.
type slurmTask struct {
	name     string
	job      Job
	done     chan Outcome
	jobID    string // the Slurm job ("12_3" for an array task); a worker's id once claimed
	array    bool
	queued   time.Time
	state    string
	reason   string
	node     string
	endedAt  time.Time // seen ended in squeue (or gone) with no exit file yet
	endState string
	requeued int
	cancel   bool
}

// slurmJob is a worker job.
type slurmJob struct {
	id       string
	state    string
	reason   string
	node     string
	endedAt  time.Time
	endState string
}

const (
	// batchWindow gathers the jobs that arrive together into one array.
	batchWindow = 150 * time.Millisecond
	batchMax    = 2 * time.Second
	// exitTick is how often the exit files are looked for: a directory
	// read, not a question to Slurm.
	exitTick = 100 * time.Millisecond
	// lostGrace is how long an exit file may lag behind its job's end in
	// squeue (attribute caches of network file systems).
	lostGrace = 3 * time.Second
	// maxInFlight bounds the runs handed over at once: each holds a run
	// directory and an open log.
	maxInFlight = 2000
	// cancelWait bounds the wait for cancelled jobs to leave the queue.
	cancelWait = 30 * time.Second
	// WorkerLinger is how long a worker waits on an empty queue.
	WorkerLinger = 2 * time.Second
	// maxRequeues bounds how often a run whose worker died is given to
	// another: a run that makes its worker die (out of memory) fails.
	maxRequeues = 3
)

// InFlight hands every run to Slurm at once (up to maxInFlight): the
// array throttle or the number of workers bounds how many run.
func (s *Slurm) InFlight(jobs, runs int) int { return max(1, min(runs, maxInFlight)) }

func (s *Slurm) start() {
	s.once.Do(func() {
		s.reqs = make(chan *slurmTask)
		s.cancels = make(chan *slurmTask)
		s.closing = make(chan chan struct{})
		s.active = map[string]*slurmTask{}
		s.workers = map[string]*slurmJob{}
		go s.monitor()
	})
}

// Execute submits job and waits until its exit file says how it ended, or
// Slurm lost it.
func (s *Slurm) Execute(ctx context.Context, job Job) Outcome {
	s.start()
	t := &slurmTask{job: job, done: make(chan Outcome, 1)}
	select {
	case s.reqs <- t:
	case <-ctx.Done():
		return Outcome{ExitCode: -1, Cancelled: true, Start: time.Now(), End: time.Now()}
	}
	select {
	case out := <-t.done:
		return out
	case <-ctx.Done():
		s.cancels <- t
		return <-t.done
	}
}

// Close tells the idle workers to leave, cancels what is left, waits until
// Slurm lists none of the sweep's jobs, and stops the monitor.
func (s *Slurm) Close() {
	if s.reqs == nil {
		return
	}
	done := make(chan struct{})
	s.closing <- done
	<-done
}

func (s *Slurm) monitor() {
	tick := time.NewTicker(exitTick)
	defer tick.Stop()
	for {
		select {
		case t := <-s.reqs:
			s.add(t)
		case t := <-s.cancels:
			s.cancelTasks(t)
		case done := <-s.closing:
			s.shutdown()
			close(done)
			return
		case <-tick.C:
			s.step()
		}
	}
}

func (s *Slurm) workersMode() bool { return s.Settings.Mode == plan.SlurmWorkers }

func (s *Slurm) add(t *slurmTask) {
	if s.fatal != nil {
		t.done <- failedOutcome(s.fatal)
		return
	}
	t.queued = time.Now()
	if len(s.batch) == 0 {
		s.batchAt = t.queued
	}
	s.batch = append(s.batch, t)
}

// takeBatch names the gathered tasks in the sweep's order and writes
// them to the exchange; those that cannot be written fail.
func (s *Slurm) takeBatch() []*slurmTask {
	batch := s.batch
	s.batch = nil
	slices.SortStableFunc(batch, func(a, b *slurmTask) int { return a.job.Index - b.job.Index })
	kept := batch[:0]
	for _, t := range batch {
		s.seq++
		t.name = fmt.Sprintf("t%07d", s.seq)
		data, _ := json.Marshal(task{Name: t.name, Command: t.job.Command, Dir: t.job.Dir, Env: t.job.Env, Timeout: t.job.Timeout, Marker: t.job.Marker})
		if err := s.Exchange.PutTask(t.name, data); err != nil {
			t.done <- failedOutcome(fmt.Errorf("write the task for Slurm: %w", err))
			continue
		}
		s.active[t.name] = t
		kept = append(kept, t)
	}
	return kept
}

// enqueueBatch puts the gathered tasks in the workers' queue.
func (s *Slurm) enqueueBatch() {
	for _, t := range s.takeBatch() {
		if err := s.Exchange.Enqueue(t.name); err != nil {
			s.finish(t, failedOutcome(fmt.Errorf("queue the task: %w", err)))
			continue
		}
		t.state, t.reason = "QUEUED", "waiting for a worker"
	}
}

// step runs on every tick: submit what is gathered, collect exit files,
// and once per poll interval ask squeue about the jobs.
func (s *Slurm) step() {
	now := time.Now()
	if len(s.batch) > 0 {
		last := s.batch[len(s.batch)-1].queued
		if now.Sub(last) >= batchWindow || now.Sub(s.batchAt) >= batchMax {
			if s.workersMode() {
				s.enqueueBatch()
			} else {
				s.submitBatch()
			}
		}
	}
	s.collectExits()
	if s.workersMode() {
		s.ensureWorkers()
	}
	if now.Sub(s.lastPoll) >= s.poll() {
		s.lastPoll = now
		s.pollQueue()
	}
	s.noticeLost(now)
}

func (s *Slurm) poll() time.Duration {
	if s.Settings.Poll > 0 {
		return s.Settings.Poll
	}
	return plan.DefaultSlurmPoll
}

// submitBatch submits the gathered tasks as one job array. A later batch
// only gets the throttle that the unfinished tasks of earlier arrays leave
// free, so that no more than Jobs run at once across arrays.
func (s *Slurm) submitBatch() {
	busy := 0
	for _, t := range s.active {
		if t.array && t.jobID != "" {
			busy++
		}
	}
	free := max(s.Jobs, 1) - busy
	if free < 1 {
		return // wait for earlier tasks to end
	}
	batch := s.takeBatch()
	if len(batch) == 0 {
		return
	}
	s.batchNo++
	prefix := fmt.Sprintf("b%d", s.batchNo)
	// Array index i runs task batch[i]: the names map through a list.
	var list strings.Builder
	for _, t := range batch {
		list.WriteString(t.name + "\n")
	}
	if err := s.Exchange.PutTask(prefix, []byte(list.String())); err != nil {
		s.failAll(batch, fmt.Errorf("write the task list: %w", err))
		return
	}
	script, err := s.script(prefix, "--array-list", prefix)
	if err != nil {
		s.failAll(batch, err)
		return
	}
	args := s.sbatchArgs(true)
	args = append(args, fmt.Sprintf("--array=0-%d%%%d", len(batch)-1, min(free, len(batch))), script)
	id, err := s.sbatch(args)
	if err != nil {
		s.failAll(batch, err)
		return
	}
	for i, t := range batch {
		t.array = true
		t.jobID = id + "_" + strconv.Itoa(i)
		t.state, t.reason = "PENDING", "submitted"
	}
}

func (s *Slurm) failAll(ts []*slurmTask, err error) {
	for _, t := range ts {
		s.finish(t, failedOutcome(err))
	}
}

func failedOutcome(err error) Outcome {
	now := time.Now()
	return Outcome{ExitCode: -1, StartErr: err, Start: now, End: now}
}

// script writes the job script: it runs kxrun worker with args on the
// exchange directory.
func (s *Slurm) script(name string, args ...string) (string, error) {
	dir := s.JobDir
	if dir == "" {
		dir = s.Exchange.Root()
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by kxrun: runs kxrun's runs in this Slurm job.\n")
	b.WriteString("exec " + shellQuote(s.Kxrun) + " worker --exchange " + shellQuote(dir))
	for _, a := range args {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString("\n")
	path, err := s.Exchange.WriteScript("job-"+name, []byte(b.String()))
	if err != nil {
		return "", fmt.Errorf("write the job script: %w", err)
	}
	return path, nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// sbatchArgs are the plan's slurm settings as sbatch options.
func (s *Slurm) sbatchArgs(array bool) []string {
	st := s.Settings
	name := s.Name
	if name == "" {
		name = "kxrun"
	}
	args := []string{"--parsable", "--job-name=" + name, "--output=" + s.Exchange.SlurmOutput(), "--chdir=" + s.Exchange.Root()}
	limit := st.Time
	if limit == "" && array && s.Timeout > 0 {
		// Slurm counts whole minutes: the plan's timeout rounded up, and a
		// minute more so that kxrun's own timer, which says so, fires first.
		limit = strconv.Itoa(int((s.Timeout+time.Minute-1)/time.Minute) + 1)
	}
	for _, o := range []struct{ flag, v string }{
		{"--partition", st.Partition}, {"--time", limit}, {"--mem", st.Mem}, {"--gres", st.Gres},
		{"--account", st.Account}, {"--qos", st.QOS}, {"--constraint", st.Constraint},
	} {
		if o.v != "" {
			args = append(args, o.flag+"="+o.v)
		}
	}
	if st.CPUsPerTask > 0 {
		args = append(args, "--cpus-per-task="+strconv.Itoa(st.CPUsPerTask))
	}
	return append(args, st.ExtraArgs...)
}

func (s *Slurm) tool(name string) string {
	if s.Bin != "" {
		return filepath.Join(s.Bin, name)
	}
	return name
}

// sbatch submits and returns the job id.
func (s *Slurm) sbatch(args []string) (string, error) {
	cmd := exec.Command(s.tool("sbatch"), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", errors.New("sbatch is not installed here: run kxrun on a machine that can submit to the cluster (a login node), or use executor: local")
		}
		// One line: the reason of every run of the batch in runs.csv.
		msg := strings.Join(strings.Fields(firstNonEmpty(stderr.String(), err.Error())), " ")
		return "", fmt.Errorf("sbatch: %s", truncate(msg, 500))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";") // "id;cluster"
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sbatch printed %q, not a job id", out)
	}
	return id, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ensureWorkers keeps up to Workers worker jobs alive while tasks wait in
// the queue.
func (s *Slurm) ensureWorkers() {
	if s.fatal != nil {
		return
	}
	pending, err := s.Exchange.Pending()
	if err != nil || pending == 0 {
		return
	}
	live := 0
	for _, w := range s.workers {
		if w.endedAt.IsZero() {
			live++
		}
	}
	want := s.Settings.Workers
	if want <= 0 {
		want = max(s.Jobs, 1)
	}
	need := min(want-live, pending)
	if need <= 0 {
		return
	}
	script, err := s.script("worker", "--queue", "--linger", WorkerLinger.String())
	if err != nil {
		s.setFatal(err)
		return
	}
	for range need {
		id, err := s.sbatch(append(s.sbatchArgs(false), script))
		if err != nil {
			s.setFatal(err)
			return
		}
		s.workers[id] = &slurmJob{id: id, state: "PENDING", reason: "submitted"}
	}
}

// collectExits finishes the tasks whose exit file has arrived, in the
// order they ended. With one run at a time, those found in the same look
// are handed over a moment apart, so that they are logged (and numbered)
// in the order they ran, as the local executor would; with more, the
// order of runs ending together is a race anyway.
func (s *Slurm) collectExits() {
	if len(s.active) == 0 {
		return
	}
	exits, err := s.Exchange.Exits()
	if err != nil {
		return
	}
	type ended struct {
		t *slurmTask
		e *taskExit
	}
	var done []ended
	for name := range exits {
		t, ok := s.active[name]
		if !ok {
			continue
		}
		e, err := s.readExit(t)
		if err != nil {
			s.finish(t, failedOutcome(err))
			continue
		}
		if e != nil {
			done = append(done, ended{t, e})
		}
	}
	slices.SortFunc(done, func(a, b ended) int {
		if c := a.e.End.Compare(b.e.End); c != 0 {
			return c
		}
		return strings.Compare(a.t.name, b.t.name)
	})
	for i, d := range done {
		if i > 0 && s.oneAtATime() {
			time.Sleep(handOverGap)
		}
		s.completeWith(d.t, d.e)
	}
}

func (s *Slurm) oneAtATime() bool {
	if s.workersMode() && s.Settings.Workers > 0 {
		return s.Settings.Workers == 1
	}
	return s.Jobs <= 1
}

// handOverGap separates the hand-over of runs found ended together.
const handOverGap = 20 * time.Millisecond

func (s *Slurm) readExit(t *slurmTask) (*taskExit, error) {
	data, err := s.Exchange.Exit(t.name)
	if err != nil || data == nil {
		return nil, nil
	}
	var e taskExit
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("exit file of Slurm job %s: %w", t.jobID, err)
	}
	return &e, nil
}

// complete reads a task's exit file and hands its outcome over.
func (s *Slurm) complete(t *slurmTask) {
	e, err := s.readExit(t)
	switch {
	case err != nil:
		s.finish(t, failedOutcome(err))
	case e != nil:
		s.completeWith(t, e)
	}
}

func (s *Slurm) completeWith(t *slurmTask, e *taskExit) {
	out := e.outcome()
	state := "COMPLETED"
	if out.StartErr != nil || out.Signal != "" || out.TimedOut || out.ExitCode != 0 {
		state = "FAILED"
	}
	job := e.JobID
	if e.ArrayJobID != "" {
		job = e.ArrayJobID + "_" + e.ArrayIndex
	}
	out.Details = s.details(t, job, e.ArrayJobID, e.ArrayIndex, e.Node, state)
	s.finish(t, out)
}

func (s *Slurm) details(t *slurmTask, job, arrayJob, index, node, state string) map[string]string {
	d := map[string]string{"executor": "slurm", "slurm_mode": s.Settings.Mode, "slurm_job_id": job, "slurm_state": state}
	if d["slurm_mode"] == "" {
		d["slurm_mode"] = plan.SlurmArray
	}
	if arrayJob != "" {
		d["slurm_array_job_id"], d["slurm_array_index"] = arrayJob, index
	}
	if node != "" {
		d["slurm_node"] = node
	}
	if t.requeued > 0 {
		d["slurm_requeued"] = strconv.Itoa(t.requeued)
	}
	return d
}

// finish copies the task's log into the run's and hands the outcome to
// the waiting Execute.
func (s *Slurm) finish(t *slurmTask, out Outcome) {
	if f, err := os.Open(s.Exchange.LogPath(t.name)); err == nil {
		if t.job.Log != nil {
			io.Copy(t.job.Log, f)
		}
		f.Close()
	}
	out.Requeued = t.requeued
	s.Exchange.Forget(t.name)
	delete(s.active, t.name)
	t.done <- out
}

// queueEntry is a line of squeue.
type queueEntry struct{ state, reason, node string }

// terminal reports whether a squeue state means the job is over.
func terminal(state string) bool {
	switch state {
	case "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "REQUEUE_HOLD", "REQUEUE_FED":
		return false
	}
	return true
}

// squeue asks about jobs (ids of arrays or of ordinary jobs) in one call,
// finished ones included while Slurm still remembers them (MinJobAge).
func (s *Slurm) squeue(ids []string, states string) (map[string]queueEntry, error) {
	cmd := exec.Command(s.tool("squeue"), "--noheader", "--array", "--states="+states,
		"--jobs="+strings.Join(ids, ","), "--format=%i|%T|%r|%N")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	entries := map[string]queueEntry{}
	if err != nil {
		// When every job asked about is gone (past MinJobAge), squeue
		// fails instead of listing nothing.
		if strings.Contains(stderr.String(), "Invalid job id specified") {
			return entries, nil
		}
		return nil, fmt.Errorf("squeue: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "|", 4)
		if len(f) == 4 {
			entries[f[0]] = queueEntry{state: f[1], reason: f[2], node: f[3]}
		}
	}
	return entries, nil
}

// pollQueue learns the jobs' states from one squeue call: pending reasons
// and nodes for `kxrun status`, and jobs that ended without an exit file.
func (s *Slurm) pollQueue() {
	ids := map[string]bool{}
	for _, t := range s.active {
		if t.array && t.jobID != "" {
			id, _, _ := strings.Cut(t.jobID, "_")
			ids[id] = true
		}
	}
	for id, w := range s.workers {
		if w.endedAt.IsZero() {
			ids[id] = true
		}
	}
	if len(ids) == 0 {
		s.publish()
		return
	}
	entries, err := s.squeue(slices.Sorted(maps.Keys(ids)), "all")
	if err != nil {
		return // try again next time; the exit files still count
	}
	now := time.Now()
	for _, t := range s.active {
		if !t.array || t.jobID == "" {
			continue
		}
		e, ok := entries[t.jobID]
		if ok {
			t.state, t.reason = e.state, e.reason
			if e.node != "" {
				t.node = e.node
			}
		}
		if (!ok || terminal(e.state)) && t.endedAt.IsZero() {
			t.endedAt, t.endState = now, firstNonEmpty(e.state, "gone from the queue")
		}
	}
	for id, w := range s.workers {
		if !w.endedAt.IsZero() {
			continue
		}
		e, ok := entries[id]
		if ok {
			w.state, w.reason = e.state, e.reason
			if e.node != "" {
				w.node = e.node
			}
		}
		if !ok || terminal(e.state) {
			w.endedAt, w.endState = now, firstNonEmpty(e.state, "gone from the queue")
		}
	}
	if s.workersMode() {
		s.noteClaims()
	}
	s.publish()
}

// noteClaims learns which worker runs which task, for `kxrun status` and
// to cancel the right job.
func (s *Slurm) noteClaims() {
	claims, err := s.Exchange.Claims()
	if err != nil {
		return
	}
	for _, t := range s.active {
		w, ok := claims[t.name]
		if !ok {
			t.jobID = ""
			continue
		}
		t.jobID, t.state, t.reason = w, "RUNNING", ""
		if j := s.workers[w]; j != nil {
			t.node = j.node
		}
	}
}

// noticeLost deals with jobs that ended and left no exit file once the
// grace for a late exit file has passed: array tasks fail with Slurm's
// reason (and the runner retries them per the plan's retries); a dead
// worker's claimed tasks go back to the queue for another worker.
func (s *Slurm) noticeLost(now time.Time) {
	probes := map[string]bool(nil)
	probe := func(job string) bool {
		if probes == nil {
			probes, _ = s.Exchange.Probes()
		}
		return probes[job]
	}
	for _, t := range s.active {
		if !t.array || t.endedAt.IsZero() || now.Sub(t.endedAt) < lostGrace {
			continue
		}
		if data, _ := s.Exchange.Exit(t.name); data != nil {
			s.complete(t)
			continue
		}
		if !probe(t.jobID) && s.ranWithoutProbe(t.endState) {
			s.setFatal(s.notShared(t.jobID, t.node))
			return
		}
		s.probed = true
		out := Outcome{ExitCode: -1, Start: t.queued, End: now, TimedOut: t.endState == "TIMEOUT"}
		out.Lost = fmt.Sprintf("Slurm job %s ended without an exit status: %s%s", t.jobID, t.endState, s.slurmSays(t.jobID))
		arrayJob, index, _ := strings.Cut(t.jobID, "_")
		out.Details = s.details(t, t.jobID, arrayJob, index, t.node, t.endState)
		s.finish(t, out)
	}
	for id, w := range s.workers {
		if w.endedAt.IsZero() || now.Sub(w.endedAt) < lostGrace {
			continue
		}
		if !probe(id) && s.ranWithoutProbe(w.endState) {
			s.setFatal(s.notShared(id, w.node))
			return
		}
		s.probed = true
		back, err := s.Exchange.Requeue(id)
		if err != nil {
			continue
		}
		for _, name := range back {
			t, ok := s.active[name]
			if !ok {
				continue
			}
			t.requeued++
			says := fmt.Sprintf("worker job %s on %s ended (%s%s) during this run", id, firstNonEmpty(w.node, "?"), w.endState, s.slurmSays(id))
			if t.requeued >= maxRequeues {
				// The run itself may be what kills its workers (memory).
				if ok, _ := s.Exchange.Unqueue(name); ok {
					out := Outcome{ExitCode: -1, Start: t.queued, End: now, TimedOut: w.endState == "TIMEOUT"}
					out.Lost = fmt.Sprintf("lost with its worker %d times; the last time %s", t.requeued, says)
					t.requeued-- // tries given to another worker: this one is the attempt itself
					out.Details = s.details(t, id, "", "", w.node, w.endState)
					s.finish(t, out)
					continue
				}
			}
			t.state, t.reason = "QUEUED", "its worker was lost"
			if t.job.Log != nil {
				fmt.Fprintf(t.job.Log, "\n--- kxrun: %s; it goes to another worker ---\n", says)
			}
		}
		delete(s.workers, id)
	}
}

// ranWithoutProbe reports whether a job that left no probe file ran (and
// so could not see the exchange directory) rather than being stopped
// before it started: it ended by itself, or it vanished before any job of
// the sweep was seen to write a probe.
func (s *Slurm) ranWithoutProbe(endState string) bool {
	switch endState {
	case "COMPLETED", "FAILED":
		return true
	case "gone from the queue":
		return !s.probed
	}
	return false
}

// slurmSays is the line Slurm wrote to the job's output about its end,
// such as "*** JOB 12 ON node1 CANCELLED AT ... ***", if any.
func (s *Slurm) slurmSays(job string) string {
	data, err := os.ReadFile(s.Exchange.SlurmOutputOf(job))
	if err != nil {
		return ""
	}
	var last string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "***") || strings.Contains(line, "error:") {
			last = strings.TrimSpace(line)
		}
	}
	if last == "" {
		return ""
	}
	return " (" + truncate(last, 200) + ")"
}

func (s *Slurm) notShared(job, node string) error {
	where := "its node"
	if node != "" {
		where = "node " + node
	}
	return fmt.Errorf("Slurm job %s ended without writing its probe file: the tracker directory %s is not visible from %s. "+
		"Put the tracker (--dir) and the workdir on a file system every node mounts at the same path (home or a shared scratch, not /tmp), "+
		"and make sure %s can be run there", job, filepath.Dir(filepath.Dir(s.Exchange.Root())), where, s.Kxrun)
}

// setFatal fails every task with err and cancels the sweep's jobs: the
// others would fail the same way.
func (s *Slurm) setFatal(err error) {
	s.fatal = err
	s.scancelAll()
	for _, t := range s.active {
		s.finish(t, failedOutcome(err))
	}
	for _, t := range s.batch {
		t.done <- failedOutcome(err)
	}
	s.batch = nil
}

// jobIDs lists what scancel needs to stop every task and worker.
func (s *Slurm) jobIDs(only func(*slurmTask) bool) []string {
	ids := map[string]bool{}
	for _, t := range s.active {
		if t.array && t.jobID != "" && (only == nil || only(t)) {
			ids[t.jobID] = true
		}
	}
	if only == nil {
		for id, w := range s.workers {
			if w.endedAt.IsZero() {
				ids[id] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(ids))
}

func (s *Slurm) scancelAll() { s.scancel(s.jobIDs(nil)) }

// scancel cancels jobs in one call and waits until squeue no longer shows
// them, so that nothing of the sweep is left running when kxrun returns.
func (s *Slurm) scancel(ids []string) {
	if len(ids) == 0 {
		return
	}
	_ = exec.Command(s.tool("scancel"), ids...).Run()
	deadline := time.Now().Add(cancelWait)
	arrays := map[string]bool{}
	for _, id := range ids {
		a, _, _ := strings.Cut(id, "_")
		arrays[a] = true
	}
	for time.Now().Before(deadline) {
		entries, err := s.squeue(slices.Sorted(maps.Keys(arrays)), "PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED")
		if err == nil && len(entries) == 0 {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// cancelTasks cancels a task whose Execute was interrupted, and every
// other one interrupted meanwhile, with one scancel.
func (s *Slurm) cancelTasks(first *slurmTask) {
	cancelled := []*slurmTask{first}
	// The sweep's runs are interrupted together: gather them.
	timeout := time.After(50 * time.Millisecond)
gather:
	for {
		select {
		case t := <-s.cancels:
			cancelled = append(cancelled, t)
		case <-timeout:
			break gather
		}
	}
	for _, t := range cancelled {
		t.cancel = true
	}
	// Tasks still gathered for an array are not in Slurm yet.
	s.batch = slices.DeleteFunc(s.batch, func(t *slurmTask) bool {
		if t.cancel {
			t.done <- cancelledOutcome(t)
			return true
		}
		return false
	})
	remaining := 0
	for _, t := range s.active {
		if !t.cancel {
			remaining++
		}
	}
	var ids []string
	if s.workersMode() {
		claims := map[string]bool{}
		for _, t := range cancelled {
			if t.name == "" || s.active[t.name] == nil {
				continue
			}
			if ok, _ := s.Exchange.Unqueue(t.name); ok {
				continue
			}
			if s.noteClaims(); t.jobID != "" {
				claims[t.jobID] = true
			}
		}
		if remaining == 0 {
			ids = s.jobIDs(nil)
		} else {
			ids = slices.Sorted(maps.Keys(claims))
		}
	} else {
		ids = s.jobIDs(func(t *slurmTask) bool { return t.cancel })
	}
	s.scancel(ids)
	for _, t := range cancelled {
		if s.active[t.name] != t {
			continue // finished meanwhile
		}
		if data, _ := s.Exchange.Exit(t.name); data != nil {
			s.complete(t)
			continue
		}
		s.finish(t, cancelledOutcome(t))
	}
	if remaining == 0 {
		for id := range s.workers {
			delete(s.workers, id)
		}
	}
}

func cancelledOutcome(t *slurmTask) Outcome {
	return Outcome{ExitCode: -1, Cancelled: true, Start: firstTime(t.queued), End: time.Now()}
}

func firstTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

func (s *Slurm) shutdown() {
	if len(s.active) == 0 && len(s.workers) > 0 {
		s.stopIdleWorkers()
	}
	s.scancelAll()
	for _, t := range s.active {
		s.finish(t, cancelledOutcome(t))
	}
	s.workers = map[string]*slurmJob{}
	s.publish()
}

// stopIdleWorkers ends the workers of a sweep that is over: a worker that
// sees the queue closed exits at once, which Slurm takes far less time to
// clear than a job it has to cancel (0.2 s against nearly 4 here).
// Workers still pending are cancelled; what is left after the wait is
// cancelled by the caller.
func (s *Slurm) stopIdleWorkers() {
	if s.Exchange.CloseQueue() != nil {
		return
	}
	ids := slices.Sorted(maps.Keys(s.workers))
	entries, err := s.squeue(ids, "PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED")
	if err != nil {
		return
	}
	var pending []string
	for id, e := range entries {
		if e.state == "PENDING" {
			pending = append(pending, id)
		}
	}
	if len(pending) > 0 {
		_ = exec.Command(s.tool("scancel"), pending...).Run()
	}
	deadline := time.Now().Add(WorkerLinger + 5*time.Second)
	for len(entries) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if entries, err = s.squeue(ids, "PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED"); err != nil {
			return
		}
	}
	for id := range s.workers {
		if _, ok := entries[id]; !ok {
			delete(s.workers, id)
		}
	}
}

// WorkerRun stands for the run of a worker job in a ClusterJob: it takes
// runs from the queue.
const WorkerRun = "(worker)"

// ClusterJob is a job as `kxrun status` shows it.
type ClusterJob struct {
	Run    string `json:"run,omitempty"`
	JobID  string `json:"job_id"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	Node   string `json:"node,omitempty"`
}

// publish writes the jobs' state for `kxrun status`.
func (s *Slurm) publish() {
	var jobs []ClusterJob
	for _, t := range s.active {
		jobs = append(jobs, ClusterJob{Run: t.job.Name, JobID: t.jobID, State: t.state, Reason: t.reason, Node: t.node})
	}
	for id, w := range s.workers {
		if w.endedAt.IsZero() {
			jobs = append(jobs, ClusterJob{Run: WorkerRun, JobID: id, State: w.state, Reason: w.reason, Node: w.node})
		}
	}
	slices.SortFunc(jobs, func(a, b ClusterJob) int { return strings.Compare(a.JobID+a.Run, b.JobID+b.Run) })
	data, _ := json.Marshal(map[string]any{"mode": firstNonEmpty(s.Settings.Mode, plan.SlurmArray), "jobs": jobs})
	_ = s.Exchange.WriteJobs(data)
}

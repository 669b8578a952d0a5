package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/tracker"
)

// The Slurm tests run kxrun against a real cluster: the single-node one
// scripts/slurm-cluster.sh starts (.ci/run does). Each starts kxrun as a
// process, with the test binary installed as kxrun and faketrainer; the
// jobs run that same kxrun on the node.

// slurmEnv returns the environment for kxrun and Slurm's commands, or
// skips the test when no cluster answers.
func slurmEnv(t *testing.T) []string {
	t.Helper()
	conf := os.Getenv("KXRUN_SLURM_CONF")
	if conf == "" {
		conf = os.Getenv("SLURM_CONF")
	}
	env := os.Environ()
	if conf != "" {
		env = append(env, "SLURM_CONF="+conf)
	}
	sinfo := exec.Command("sinfo", "--noheader", "--format=%t")
	sinfo.Env = env
	out, err := sinfo.CombinedOutput()
	states := strings.Fields(string(out))
	up := func(s string) bool {
		for _, ok := range []string{"idle", "mix", "alloc", "comp"} {
			if strings.HasPrefix(s, ok) {
				return true
			}
		}
		return false
	}
	if err != nil || !slices.ContainsFunc(states, up) {
		msg := fmt.Sprintf("no Slurm cluster answers (sinfo: %v %s): start one with `sudo scripts/slurm-cluster.sh start` and `eval \"$(scripts/slurm-cluster.sh env)\"`, then run the tests again", err, strings.TrimSpace(string(out)))
		if os.Getenv("KXRUN_SLURM_CONF") != "" {
			t.Fatal(msg) // a cluster was promised (.ci/run starts one)
		}
		t.Skip(msg)
	}
	return append(env, "GORACE=atexit_sleep_ms=0")
}

// slurmSweep is a directory with a plan, and kxrun ready to run it.
type slurmSweep struct {
	t    *testing.T
	dir  string
	kx   string
	env  []string
	pids string // trainers write their pid files here
}

func newSlurmSweep(t *testing.T, plan string) *slurmSweep {
	t.Helper()
	env := slurmEnv(t)
	bin, path := installCommands(t)
	s := &slurmSweep{t: t, dir: t.TempDir(), kx: filepath.Join(bin, "kxrun")}
	s.pids = filepath.Join(s.dir, "pids")
	for _, d := range []string{"pids", "tries", "stamps"} {
		os.Mkdir(filepath.Join(s.dir, d), 0o755)
	}
	plan = strings.NewReplacer("$PIDS", s.pids, "$DIR", s.dir).Replace(plan)
	if err := os.WriteFile(filepath.Join(s.dir, "plan.yaml"), []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = append(env, "PATH="+path, "TRY_DIR="+filepath.Join(s.dir, "tries"))
	// Whatever a failed test leaves in the queue goes.
	if name, ok := strings.CutPrefix(strings.SplitN(plan, "\n", 2)[0], "name: "); ok {
		t.Cleanup(func() {
			s.scancel("--name=kxrun-" + name)
		})
	}
	return s
}

// command is kxrun with args, in the sweep's directory.
func (s *slurmSweep) command(args ...string) (*exec.Cmd, *strings.Builder) {
	cmd := exec.Command(s.kx, args...)
	cmd.Dir, cmd.Env = s.dir, s.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	// A test that fails half-way must not leave kxrun (and its jobs) behind.
	s.t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			cmd.Process.Signal(syscall.SIGTERM)
		}
	})
	return cmd, &out
}

// run runs kxrun to the end and returns its output and exit status.
func (s *slurmSweep) run(args ...string) (string, int) {
	s.t.Helper()
	cmd, out := s.command(args...)
	err := cmd.Run()
	code := 0
	if err != nil {
		code = exitStatus(s.t, err)
	}
	return out.String(), code
}

// scancel cancels jobs as scancel args does, with the cluster's settings.
func (s *slurmSweep) scancel(args ...string) error {
	c := exec.Command("scancel", args...)
	c.Env = s.env
	if b, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("scancel %s: %v %s", strings.Join(args, " "), err, b)
	}
	return nil
}

// startAblation starts the plan's ablation into exp and returns kxrun,
// running, and where its output goes.
func (s *slurmSweep) startAblation() (*exec.Cmd, *strings.Builder) {
	s.t.Helper()
	cmd, out := s.command("ablation", "plan.yaml", "--dir", "exp")
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	return cmd, out
}

// ablation runs the plan's ablation into exp, which must end with exit
// status want, and returns kxrun's output and the runs logged.
func (s *slurmSweep) ablation(want int) (string, []tracker.Row, map[string]*tracker.Record) {
	s.t.Helper()
	out, code := s.run("ablation", "plan.yaml", "--dir", "exp")
	if code != want {
		s.t.Fatalf("exit status %d, want %d\n%s", code, want, out)
	}
	rows, recs := s.rows("exp")
	return out, rows, recs
}

// rows reads a tracker's runs with their details.
func (s *slurmSweep) rows(dir string) ([]tracker.Row, map[string]*tracker.Record) {
	s.t.Helper()
	tr, err := tracker.Open(filepath.Join(s.dir, dir))
	if err != nil {
		s.t.Fatal(err)
	}
	rows, _, err := tr.Runs()
	if err != nil {
		s.t.Fatal(err)
	}
	recs := map[string]*tracker.Record{}
	for _, r := range rows {
		if recs[r.RunID], err = tr.Details(r.RunID); err != nil {
			s.t.Fatal(err)
		}
	}
	return rows, recs
}

// jobsOf lists the sweep's jobs that squeue still shows as pending or
// running, by job name.
func jobsOf(t *testing.T, env []string, name string) []string {
	t.Helper()
	cmd := exec.Command("squeue", "--noheader", "--array", "--name="+name, "--format=%i %T")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("squeue: %v", err)
	}
	return strings.Fields(string(out))
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pidFiles maps the pid files the trainers wrote to their Slurm job.
func pidFiles(dir string) map[int]string {
	entries, _ := os.ReadDir(dir)
	out := map[int]string{}
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			// A file still empty is being written: the next look has it.
			if data, _ := os.ReadFile(filepath.Join(dir, e.Name())); len(data) > 0 {
				out[pid] = string(data)
			}
		}
	}
	return out
}

// identity is what must not depend on where a run ran.
type identity struct {
	RunID, Status, Reason string
	CVScore               float64
	CVFolds               []float64
	Artifacts             map[string]string // kind -> sha256
}

func identities(s *slurmSweep, dir string) map[string]identity {
	rows, recs := s.rows(dir)
	out := map[string]identity{}
	for _, r := range rows {
		id := identity{RunID: r.RunID, Status: r.Status, Reason: r.Reason, CVFolds: r.CVFolds, Artifacts: map[string]string{}}
		if r.CVScore != nil {
			id.CVScore = *r.CVScore
		}
		for kind, a := range recs[r.RunID].Artifacts {
			id.Artifacts[kind] = a.SHA256
		}
		out[r.Name] = id
	}
	return out
}

type verdicts struct {
	Variants []struct {
		Variant string   `json:"variant"`
		Gain    *float64 `json:"gain"`
		Verdict string   `json:"verdict"`
	} `json:"variants"`
}

// TestSlurmSameAsLocal runs one ablation of a real trainer locally and
// through Slurm in both modes: the same ids, and per run the same scores
// and arrays; the same verdicts. One run at a time.
func TestSlurmSameAsLocal(t *testing.T) {
	s := newSlurmSweep(t, ""+
		"name: same\ncommand: ["+demoTrainerPath(t)+", --folds, \"3\"]\njobs: 1\nseeds: [42, 123]\n"+
		"base_features: [age, fare, sex]\nfeature_groups: {family: [sibsp, parch, family_size], title: [title, title_rare], noise: [noise_1]}\n"+
		"slurm: {poll: 1}\n")
	sums := map[string]verdicts{}
	for _, c := range []struct{ dir, executor, mode string }{
		{"local", "local", ""}, {"array", "slurm", "array"}, {"workers", "slurm", "workers"},
	} {
		args := []string{"ablation", "plan.yaml", "--json", "--dir", c.dir, "--executor", c.executor}
		if c.mode == "workers" {
			data, _ := os.ReadFile(filepath.Join(s.dir, "plan.yaml"))
			os.WriteFile(filepath.Join(s.dir, "plan.yaml"), []byte(strings.Replace(string(data), "slurm: {poll: 1}", "slurm: {poll: 1, mode: workers, workers: 1}", 1)), 0o644)
		}
		cmd, stderr := s.command(args...)
		var stdout strings.Builder
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", c.dir, err, stderr)
		}
		var v verdicts
		if err := json.Unmarshal([]byte(stdout.String()), &v); err != nil {
			t.Fatalf("%s: summary: %v\n%s", c.dir, err, stdout.String())
		}
		sums[c.dir] = v
	}
	local := identities(s, "local")
	if len(local) != 16 {
		t.Fatalf("want 16 local runs, got %d", len(local))
	}
	// Ids are given in commit order. Runs found ended in the same look are
	// handed over in the order they ran, but under load two such commits
	// can still swap, so ids are compared as a set and everything else
	// run by run.
	withoutIDs := func(m map[string]identity) (map[string]identity, []string) {
		out, ids := map[string]identity{}, []string{}
		for name, id := range m {
			ids = append(ids, id.RunID)
			id.RunID = ""
			out[name] = id
		}
		slices.Sort(ids)
		return out, ids
	}
	localRuns, localIDs := withoutIDs(local)
	for _, dir := range []string{"array", "workers"} {
		runs, ids := withoutIDs(identities(s, dir))
		if diff := cmp.Diff(localRuns, runs); diff != "" {
			t.Errorf("%s differs from local (-local +%s):\n%s", dir, dir, diff)
		}
		if diff := cmp.Diff(localIDs, ids); diff != "" {
			t.Errorf("%s run ids differ from local (-local +%s):\n%s", dir, dir, diff)
		}
		if diff := cmp.Diff(sums["local"], sums[dir]); diff != "" {
			t.Errorf("%s verdicts differ from local (-local +%s):\n%s", dir, dir, diff)
		}
		_, recs := s.rows(dir)
		for id, rec := range recs {
			ex := rec.Executor
			if ex["executor"] != "slurm" || ex["slurm_mode"] != dir || ex["slurm_job_id"] == "" || ex["slurm_node"] == "" || ex["slurm_state"] != "COMPLETED" {
				t.Errorf("%s %s: executor details %v", dir, id, ex)
			}
			if dir == "array" && (ex["slurm_array_job_id"] == "" || ex["slurm_array_index"] == "") {
				t.Errorf("%s %s: no array job id or index in %v", dir, id, ex)
			}
		}
	}
	if left := jobsOf(t, s.env, "kxrun-same"); len(left) > 0 {
		t.Errorf("jobs left in the queue: %v", left)
	}
}

// maxOverlap is the largest number of runs that were going at the same
// moment, from the start and end times the trainers wrote.
func maxOverlap(t *testing.T, dir string) int {
	t.Helper()
	type ev struct {
		at    int64
		delta int
	}
	var evs []ev
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		var start, end int64
		if _, err := fmt.Sscan(string(data), &start, &end); err != nil {
			t.Fatalf("stamp %s: %v", e.Name(), err)
		}
		evs = append(evs, ev{start, +1}, ev{end, -1})
	}
	slices.SortFunc(evs, func(a, b ev) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return a.delta - b.delta // an end before a start at the same instant
	})
	n, top := 0, 0
	for _, e := range evs {
		n += e.delta
		top = max(top, n)
	}
	return top
}

// TestSlurmConcurrencyBounded: jobs bounds an array, workers bounds the
// workers mode, measured from the trainers' own clocks.
func TestSlurmConcurrencyBounded(t *testing.T) {
	for _, c := range []struct{ name, slurm string }{
		{"array", "{poll: 1}"}, {"workers", "{poll: 1, mode: workers, workers: 2}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSlurmSweep(t, "name: conc\ncommand: [faketrainer]\nexecutor: slurm\njobs: 2\nseeds: [1, 2, 3, 4, 5, 6]\nbase_features: [a]\n"+
				"env: {STAMP_DIR: $DIR/stamps}\nslurm: "+c.slurm+"\n")
			s.ablation(0)
			if n := maxOverlap(t, filepath.Join(s.dir, "stamps")); n != 2 {
				t.Errorf("at most %d runs went at once, want 2", n)
			}
		})
	}
}

// TestSlurmCancelledFromOutside: a job cancelled with scancel by someone
// else fails with what Slurm says, and the plan's retries run it again.
func TestSlurmCancelledFromOutside(t *testing.T) {
	s := newSlurmSweep(t, "name: ext\ncommand: [faketrainer, hang-once]\nexecutor: slurm\njobs: 2\nretries: 1\nseeds: [1, 2]\nbase_features: [a]\n"+
		"env: {PID_DIR: $PIDS}\nslurm: {poll: 1}\n")
	cmd, out := s.startAblation()
	// Only first tries hang (and write pid files): cancel the job of each
	// as it appears, until kxrun is done.
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	cancelled := map[string]bool{}
	deadline := time.After(90 * time.Second)
	for waiting := true; waiting; {
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("kxrun: %v\n%s", err, out)
			}
			waiting = false
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("kxrun still running after 90 s; cancelled %v\n%s", cancelled, out)
		case <-time.After(100 * time.Millisecond):
			for _, job := range pidFiles(s.pids) {
				if cancelled[job] {
					continue
				}
				cancelled[job] = true
				if err := s.scancel(job); err != nil {
					t.Error(err)
				}
			}
		}
	}
	if len(cancelled) != 2 {
		t.Errorf("cancelled %d jobs, want 2 (one per run's first try): %v", len(cancelled), cancelled)
	}
	rows, recs := s.rows("exp")
	if len(rows) != 2 {
		t.Fatalf("want 2 runs, got %d\n%s", len(rows), out)
	}
	for _, r := range rows {
		if r.Status != "ok" || recs[r.RunID].Attempts != 2 {
			t.Errorf("%s: status %s after %d attempts, want ok after 2", r.Name, r.Status, recs[r.RunID].Attempts)
		}
		log, _ := os.ReadFile(filepath.Join(s.dir, "exp", recs[r.RunID].Log))
		if !strings.Contains(string(log), "ended without an exit status: CANCELLED") {
			t.Errorf("%s: the log does not say the first try was cancelled by Slurm:\n%s", r.Name, log)
		}
	}
	assertAllGone(t, s.pids)
}

// TestSlurmWorkerKilled: a worker cancelled in the middle of a run loses
// nothing: the run goes to another worker and finishes there, once.
func TestSlurmWorkerKilled(t *testing.T) {
	s := newSlurmSweep(t, "name: wk\ncommand: [faketrainer, hang-once]\nexecutor: slurm\njobs: 1\nseeds: [1, 2, 3]\nbase_features: [a]\n"+
		"env: {PID_DIR: $PIDS}\nslurm: {poll: 1, mode: workers, workers: 1}\n")
	cmd, out := s.startAblation()
	// One worker, one hanging run at a time: kill the worker each time.
	killed := map[string]bool{}
	killedIn := map[string]string{} // run -> the worker killed during it
	for range 3 {
		var job string
		var pid int
		waitFor(t, "a hanging run", 60*time.Second, func() bool {
			for p, j := range pidFiles(s.pids) {
				if !killed[j] {
					job, pid = j, p
					return true
				}
			}
			return false
		})
		killed[job] = true
		env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		for _, kv := range strings.Split(string(env), "\x00") {
			if name, ok := strings.CutPrefix(kv, "KXRUN_RUN_NAME="); ok {
				killedIn[name] = job
			}
		}
		if err := s.scancel(job); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("kxrun: %v\n%s", err, out)
	}
	rows, recs := s.rows("exp")
	if len(rows) != 3 {
		t.Fatalf("want each run logged once, got %d rows\n%s", len(rows), out)
	}
	for _, r := range rows {
		rec := recs[r.RunID]
		if r.Status != "ok" || rec.Attempts != 2 || rec.Executor["slurm_requeued"] != "1" {
			t.Errorf("%s: status %s, %d attempts, details %v; want ok after 2 attempts, requeued once", r.Name, r.Status, rec.Attempts, rec.Executor)
		}
		if w := killedIn[r.Name]; w == "" || w == rec.Executor["slurm_job_id"] {
			t.Errorf("%s: killed worker %q, finished on %q: want it finished on another", r.Name, w, rec.Executor["slurm_job_id"])
		}
	}
	assertAllGone(t, s.pids)
	if left := jobsOf(t, s.env, "kxrun-wk"); len(left) > 0 {
		t.Errorf("jobs left in the queue: %v", left)
	}
}

// TestSlurmInterrupt: Ctrl-C or SIGTERM cancels every job with one scancel, records
// the runs cancelled, and leaves no job in the queue and no trainer
// (grandchildren included) on the node.
func TestSlurmInterrupt(t *testing.T) {
	for _, mode := range []string{"array", "workers"} {
		t.Run(mode, func(t *testing.T) {
			s := newSlurmSweep(t, "name: int"+mode+"\ncommand: [faketrainer, hang-tree]\nexecutor: slurm\njobs: 2\nseeds: [1, 2, 3]\nbase_features: [a]\n"+
				"env: {PID_DIR: $PIDS}\nslurm: {poll: 1, mode: "+mode+"}\n")
			cmd, out := s.startAblation()
			waitFor(t, "two trainers running", 30*time.Second, func() bool { return len(pidFiles(s.pids)) >= 2 })
			if mode == "array" {
				// kxrun status shows the jobs as squeue last saw them: two
				// running, one waiting for the array's throttle.
				var status string
				waitFor(t, "kxrun status to show the jobs", 10*time.Second, func() bool {
					status, _ = s.run("status", "--dir", "exp")
					return strings.Count(status, " running on ") == 2 && strings.Count(status, " pending (JobArrayTaskLimit): ") == 1
				})
			}
			// Ctrl-C for one mode, SIGTERM (what a scheduler or systemd
			// sends) for the other: the same stop.
			sig := syscall.SIGINT
			if mode == "workers" {
				sig = syscall.SIGTERM
			}
			cmd.Process.Signal(sig)
			if code := exitStatus(t, cmd.Wait()); code != exitInterrupted {
				t.Errorf("exit status %d, want %d\n%s", code, exitInterrupted, out)
			}
			if left := jobsOf(t, s.env, "kxrun-int"+mode); len(left) > 0 {
				t.Errorf("jobs left in the queue: %v", left)
			}
			// Each trainer started a grandchild: neither may outlive the job.
			waitFor(t, "trainers gone", 10*time.Second, func() bool {
				for pid := range pidFiles(s.pids) {
					if syscall.Kill(pid, 0) == nil {
						return false
					}
				}
				return true
			})
			assertAllGone(t, s.pids)
			data, _ := os.ReadFile(filepath.Join(s.dir, "exp", "runs.csv"))
			if n := strings.Count(string(data), ",cancelled,"); n != 3 {
				t.Errorf("want the 3 runs recorded as cancelled, got %d:\n%s", n, data)
			}
		})
	}
}

// TestSlurmFailures: a failing run, a run stopped by kxrun's own timer
// and one stopped by Slurm's time limit are recorded failed with the
// reason; a tracker the jobs cannot see is reported as such.
func TestSlurmFailures(t *testing.T) {
	t.Run("time-limit", func(t *testing.T) {
		t.Parallel()
		// Slurm counts limits in minutes and checks them every 30 s: this
		// takes one to two minutes, alongside the others.
		s := newSlurmSweep(t, "name: tl\ncommand: [faketrainer, hang]\nexecutor: slurm\nseeds: [1]\nbase_features: [a]\nslurm: {poll: 1, time: \"1\"}\n")
		_, rows, recs := s.ablation(exitRunsFailed)
		if len(rows) != 1 || rows[0].Status != "failed" || !strings.Contains(rows[0].Reason, "TIMEOUT") || !recs[rows[0].RunID].TimedOut {
			t.Errorf("want the run failed by Slurm's TIMEOUT, got %+v", rows)
		}
	})
	t.Run("failing-and-kxrun-timeout", func(t *testing.T) {
		t.Parallel()
		s := newSlurmSweep(t, "name: fl\ncommand: [faketrainer, by-variant]\nexecutor: slurm\njobs: 4\ntimeout: 2s\nseeds: [1]\nbase_features: [a]\n"+
			"feature_groups: {crash: [c], hang: [h], x: [x]}\nslurm: {poll: 1}\n")
		_, rows, recs := s.ablation(exitRunsFailed)
		got := map[string]string{}
		for _, r := range rows {
			got[r.Variant] = r.Status + ": " + r.Reason
			if r.Variant == "+crash" && recs[r.RunID].Executor["slurm_state"] != "FAILED" {
				t.Errorf("+crash: Slurm state %q, want FAILED", recs[r.RunID].Executor["slurm_state"])
			}
		}
		want := map[string]string{
			"all": "ok: ", "-crash": "ok: ", "-hang": "ok: ", "-x": "ok: ", "base": "ok: ", "+x": "ok: ",
			"+crash": "failed: exit status 1: KeyError: 'title'", "+hang": "failed: timed out after 2s",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("runs (-want +got):\n%s", diff)
		}
	})
	t.Run("kills-its-worker", func(t *testing.T) {
		t.Parallel()
		// A run that brings its worker down (as one running out of memory
		// would) is given to another worker, but not forever.
		s := newSlurmSweep(t, "name: kw\ncommand: [faketrainer, kill-parent]\nexecutor: slurm\nseeds: [1]\nbase_features: [a]\nslurm: {poll: 1, mode: workers}\n")
		_, rows, recs := s.ablation(exitRunsFailed)
		if len(rows) != 1 || rows[0].Status != "failed" || !strings.Contains(rows[0].Reason, "lost with its worker 3 times") || recs[rows[0].RunID].Attempts != 3 {
			t.Errorf("want the run failed after 3 workers were lost, got %+v", rows)
		}
	})
	t.Run("not-shared", func(t *testing.T) {
		t.Parallel()
		s := newSlurmSweep(t, "name: ns\ncommand: [faketrainer]\nexecutor: slurm\nseeds: [1, 2]\nbase_features: [a]\nslurm: {poll: 1}\n")
		// The jobs are pointed at a directory of their own, as on a node
		// where the tracker's path is a local disk.
		elsewhere := t.TempDir()
		s.env = append(s.env, "KXRUN_SLURM_JOB_DIR="+elsewhere)
		out, rows, _ := s.ablation(exitRunsFailed)
		if len(rows) != 2 {
			t.Fatalf("want 2 runs, got %d\n%s", len(rows), out)
		}
		for _, r := range rows {
			if r.Status != "failed" || !strings.Contains(r.Reason, "is not visible from node") {
				t.Errorf("%s: %s %q, want failed saying the tracker is not visible", r.Name, r.Status, r.Reason)
			}
		}
	})
}

// TestSlurmWithoutSbatch needs no cluster: where sbatch is missing,
// executor slurm is a usage error and nothing runs.
func TestSlurmWithoutSbatch(t *testing.T) {
	bin, _ := installCommands(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plan.yaml"), []byte("name: nb\ncommand: [faketrainer]\nbase_features: [a]\nexecutor: slurm\n"), 0o644)
	cmd := exec.Command(filepath.Join(bin, "kxrun"), "ablation", "plan.yaml")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "PATH="+bin, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if code := exitStatus(t, err); code != exitUsage {
		t.Errorf("exit status %d, want %d", code, exitUsage)
	}
	if !strings.Contains(string(out), "executor slurm: sbatch is not on PATH") {
		t.Errorf("output does not say sbatch is missing:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "experiments", "runs.csv")); err == nil {
		t.Error("runs.csv was written")
	}
}

package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/plan"
)

// harness runs specs with hooks that keep workspaces in a temp dir.
type harness struct {
	t    *testing.T
	dir  string
	mu   sync.Mutex
	logs map[int]*os.File
	got  []*Result
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, dir: t.TempDir(), logs: map[int]*os.File{}}
}

func (h *harness) hooks() Hooks {
	return Hooks{
		Prepare: func(spec *Spec, attempt int) (*Workspace, error) {
			base := filepath.Join(h.dir, spec.Name)
			run := filepath.Join(base, "run"+strconv.Itoa(attempt))
			if err := os.MkdirAll(run, 0o755); err != nil {
				return nil, err
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			log, ok := h.logs[spec.Index]
			if !ok {
				var err error
				if log, err = os.Create(filepath.Join(base, "output.log")); err != nil {
					return nil, err
				}
				h.t.Cleanup(func() { log.Close() })
				h.logs[spec.Index] = log
			}
			return &Workspace{RunDir: run, SpecPath: filepath.Join(base, "spec.json"), Log: log}, nil
		},
		Finish: func(res *Result) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.got = append(h.got, res)
			return nil
		},
	}
}

func trainerSpec(i int, mode string) *Spec {
	exe, _ := os.Executable()
	return &Spec{
		Index: i, Name: "r" + strconv.Itoa(i) + "_" + mode, Plan: "p", Variant: "all", Seed: 42,
		Features: []string{"a", "b"}, Params: map[string]any{"lr": 0.5, "depth": 3.0},
		Command: plan.Command{Argv: []string{exe}}, Dir: os.TempDir(),
		// The race runtime sleeps a second before exiting unless told not to.
		Env: map[string]string{"KXRUN_TEST_TRAINER": mode, "GORACE": "atexit_sleep_ms=0"},
	}
}

func runOneSpec(t *testing.T, spec *Spec, exe Executor) *Result {
	t.Helper()
	h := newHarness(t)
	results, err := Run(context.Background(), []*Spec{spec}, Options{Jobs: 1, Executor: exe}, h.hooks())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(h.got) != 1 || results[0] != h.got[0] {
		t.Fatalf("want exactly one finished result, got %d", len(h.got))
	}
	return results[0]
}

func TestRunSuccess(t *testing.T) {
	res := runOneSpec(t, trainerSpec(0, "ok"), nil)
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	if diff := cmp.Diff([]float64{0.8, 0.82, 0.81}, res.Trainer.CVScores); diff != "" {
		t.Errorf("cv_scores (-want +got):\n%s", diff)
	}
	// The trainer's params are merged over the plan's.
	if diff := cmp.Diff(map[string]any{"lr": 0.1, "depth": 3.0}, res.Params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if res.Trainer.Notes != "seed 42" || res.ResultSource != "stdout" || res.Attempts != 1 {
		t.Errorf("notes %q source %q attempts %d", res.Trainer.Notes, res.ResultSource, res.Attempts)
	}
	if res.Outcome.ExitCode != 0 || res.Outcome.Duration() <= 0 {
		t.Errorf("outcome %+v", res.Outcome)
	}
	if !strings.Contains(res.Outcome.StderrTail, "training...") {
		t.Errorf("stderr tail %q", res.Outcome.StderrTail)
	}
}

func TestResultFileWinsOverStdout(t *testing.T) {
	res := runOneSpec(t, trainerSpec(0, "result-file"), nil)
	if res.Status != StatusOK || res.ResultSource != "result.json" {
		t.Fatalf("status %s source %s (%s)", res.Status, res.ResultSource, res.Reason)
	}
	if diff := cmp.Diff([]float64{0.7, 0.75}, res.Trainer.CVScores); diff != "" {
		t.Errorf("cv_scores (-want +got):\n%s", diff)
	}
}

func TestEnvironmentAndPlaceholders(t *testing.T) {
	spec := trainerSpec(0, "env")
	spec.Env["PLAN_VAR"] = "from-plan"
	spec.Command.Argv = append(spec.Command.Argv, "--seed", "{seed}", "--features", "{features}", "--variant", "{variant}")
	res := runOneSpec(t, spec, nil)
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	parts := strings.Split(res.Trainer.Notes, "|")
	ws := res.Workspace
	want := []string{"42", "a,b", "all", ws.RunDir, ws.SpecPath, "from-plan", "--seed 42 --features a,b --variant all"}
	if diff := cmp.Diff(want, parts); diff != "" {
		t.Errorf("what the trainer saw (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile(ws.SpecPath)
	if err != nil || !strings.Contains(string(data), `"features": [`) || !strings.Contains(string(data), `"run_dir": "`+ws.RunDir) {
		t.Errorf("spec file: %v\n%s", err, data)
	}
}

func TestShellCommandQuotesValues(t *testing.T) {
	dir := t.TempDir()
	spec := trainerSpec(0, "env")
	exe, _ := os.Executable()
	spec.Dir = dir
	spec.Features = []string{"$(touch pwned)", "a'b", "`touch pwned2`"}
	spec.Command = plan.Command{Shell: exe + " {features} > /dev/stderr; " + exe + " {features}"}
	res := runOneSpec(t, spec, nil)
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	for _, f := range []string{"pwned", "pwned2"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("a feature name ran as shell code: %s exists", f)
		}
	}
	parts := strings.Split(res.Trainer.Notes, "|")
	if got := parts[len(parts)-1]; got != "$(touch pwned),a'b,`touch pwned2`" {
		t.Errorf("argument arrived as %q", got)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		mode, reason string
	}{
		{"crash", "exit status 3: Traceback: ValueError: bad feature"},
		{"nan", "stdout: cv_scores[1] is NaN"},
		{"no-result", "no result: the command wrote no result.json and printed no JSON object on stdout"},
		{"bad-npy", "oof: $KXRUN_RUN_DIR/oof.npy: "},
		{"missing-npy", "oof: nowhere/oof.npy does not exist in the run directory or the workdir"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			res := runOneSpec(t, trainerSpec(0, tt.mode), nil)
			if res.Status != StatusFailed || !strings.HasPrefix(res.Reason, tt.reason) {
				t.Errorf("got %s %q, want failed %q", res.Status, res.Reason, tt.reason)
			}
		})
	}
}

func TestArtifactsFoundAndValidated(t *testing.T) {
	res := runOneSpec(t, trainerSpec(0, "npy"), nil)
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	got := map[string][]int{}
	for _, a := range res.Artifacts {
		got[a.Kind] = a.Info.Shape
		if !a.InRunDir {
			t.Errorf("%s: a plain file in the run dir should be movable", a.Kind)
		}
	}
	if diff := cmp.Diff(map[string][]int{"oof": {5}, "test": {3}}, got); diff != "" {
		t.Errorf("artifacts (-want +got):\n%s", diff)
	}
}

func TestTimeoutKillsProcessThatIgnoresSIGTERM(t *testing.T) {
	spec := trainerSpec(0, "ignore-term")
	spec.Timeout = 500 * time.Millisecond
	res := runOneSpec(t, spec, &Local{Grace: 300 * time.Millisecond})
	if res.Status != StatusFailed || res.Reason != "timed out after 500ms" || !res.Outcome.TimedOut {
		t.Fatalf("got %s %q", res.Status, res.Reason)
	}
	if res.Outcome.Signal != "killed" {
		t.Errorf("signal %q, want killed (SIGKILL after the grace period)", res.Outcome.Signal)
	}
}

func TestTimeoutOfHangingRun(t *testing.T) {
	spec := trainerSpec(0, "hang")
	spec.Timeout = 200 * time.Millisecond
	res := runOneSpec(t, spec, &Local{Grace: 5 * time.Second})
	if res.Status != StatusFailed || !res.Outcome.TimedOut || res.Outcome.Signal != "terminated" {
		t.Fatalf("got %s %q signal %q", res.Status, res.Reason, res.Outcome.Signal)
	}
}

// grandchildLeft runs a trainer of kind mode, which must succeed, and
// returns the pid of the grandchild it left.
func grandchildLeft(t *testing.T, mode string) int {
	t.Helper()
	res := runOneSpec(t, trainerSpec(0, mode), &Local{Grace: time.Second})
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	data, err := os.ReadFile(filepath.Join(res.Workspace.RunDir, "grandchild.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(string(data))
	return pid
}

func TestGrandchildIsNotLeftBehind(t *testing.T) {
	pid := grandchildLeft(t, "grandchild")
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("grandchild %d still exists after the run (kill 0: %v)", pid, err)
	}
}

func TestHugeOutputIsStreamed(t *testing.T) {
	res := runOneSpec(t, trainerSpec(0, "flood"), nil)
	if res.Status != StatusOK {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	const want = 200<<20 + len(`{"cv_scores": [0.9]}`+"\n")
	if res.Outcome.OutputBytes != int64(want) {
		t.Errorf("output bytes %d, want %d", res.Outcome.OutputBytes, want)
	}
	fi, err := os.Stat(filepath.Join(filepath.Dir(res.Workspace.RunDir), "output.log"))
	if err != nil || fi.Size() != int64(want) {
		t.Errorf("log: %v, size %d, want %d", err, fi.Size(), want)
	}
}

func TestCancellationStopsRunsAndStartsNoMore(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	specs := []*Spec{trainerSpec(0, "hang"), trainerSpec(1, "hang"), trainerSpec(2, "ok")}
	hooks := h.hooks()
	started := make(chan struct{}, 3)
	hooks.Started = func(*Spec, int) { started <- struct{}{} }
	go func() {
		<-started
		<-started
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	results, err := Run(ctx, specs, Options{Jobs: 2, Executor: &Local{Grace: time.Second}}, hooks)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	for i := 0; i < 2; i++ {
		if results[i] == nil || results[i].Status != StatusCancelled {
			t.Errorf("run %d: %+v, want cancelled", i, results[i])
		}
	}
	if results[2] != nil {
		t.Errorf("run 2 started after the interrupt: %s", results[2].Status)
	}
}

func TestHardStopKillsAtOnce(t *testing.T) {
	hard := make(chan struct{})
	spec := trainerSpec(0, "ignore-term")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
		time.Sleep(100 * time.Millisecond)
		close(hard)
	}()
	h := newHarness(t)
	start := time.Now()
	results, _ := Run(ctx, []*Spec{spec}, Options{Jobs: 1, Executor: &Local{Grace: time.Minute, Hard: hard}}, h.hooks())
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("hard stop took %s", took)
	}
	if results[0] == nil || results[0].Status != StatusCancelled || results[0].Outcome.Signal != "killed" {
		t.Errorf("got %+v", results[0])
	}
}

func TestRetriesUntilSuccess(t *testing.T) {
	spec := trainerSpec(0, "flaky")
	spec.Env["FLAKY_DIR"] = t.TempDir()
	spec.Retries = 2
	res := runOneSpec(t, spec, nil)
	if res.Status != StatusOK || res.Attempts != 2 {
		t.Fatalf("status %s attempts %d (%s)", res.Status, res.Attempts, res.Reason)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	var specs []*Spec
	for i := range 6 {
		s := trainerSpec(i, "hang")
		s.Timeout = 300 * time.Millisecond
		specs = append(specs, s)
	}
	h := newHarness(t)
	results, err := Run(context.Background(), specs, Options{Jobs: 2, Executor: &Local{Grace: time.Second}}, h.hooks())
	if err != nil {
		t.Fatal(err)
	}
	// At no instant may more than two processes have been alive.
	for _, r := range results {
		overlap := 0
		for _, o := range results {
			if o.Outcome.Start.Before(r.Outcome.Start) && o.Outcome.End.After(r.Outcome.Start) {
				overlap++
			}
		}
		if overlap > 1 {
			t.Errorf("%d runs were running when %s started", overlap, r.Spec.Name)
		}
	}
}

func TestHookErrorStopsTheSweep(t *testing.T) {
	h := newHarness(t)
	hooks := h.hooks()
	boom := errors.New("disk full")
	hooks.Finish = func(*Result) error { return boom }
	specs := []*Spec{trainerSpec(0, "ok"), trainerSpec(1, "ok"), trainerSpec(2, "ok")}
	_, err := Run(context.Background(), specs, Options{Jobs: 1}, hooks)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the hook's error", err)
	}
}

func TestGPUSlotsAreExclusive(t *testing.T) {
	for _, perGPU := range []int{1, 2} {
		t.Run(strconv.Itoa(perGPU), func(t *testing.T) {
			var specs []*Spec
			for i := range 8 {
				specs = append(specs, trainerSpec(i, "gpu"))
			}
			h := newHarness(t)
			results, err := Run(context.Background(), specs, Options{Jobs: 8, GPUs: []int{3, 5}, PerGPU: perGPU}, h.hooks())
			if err != nil {
				t.Fatal(err)
			}
			type span struct {
				gpu        string
				start, end time.Time
			}
			var spans []span
			for _, r := range results {
				if r.Status != StatusOK {
					t.Fatalf("%s: %s", r.Spec.Name, r.Reason)
				}
				// What the trainer itself saw, not what the runner meant.
				seen := strings.Fields(r.Trainer.Notes)
				start, _ := time.Parse(time.RFC3339Nano, seen[1])
				end, _ := time.Parse(time.RFC3339Nano, seen[2])
				if r.GPU == nil || strconv.Itoa(*r.GPU) != seen[0] {
					t.Errorf("%s: runner says GPU %v, trainer saw %q", r.Spec.Name, r.GPU, seen[0])
				}
				spans = append(spans, span{seen[0], start, end})
			}
			maxOverlap := map[string]int{}
			anyOverlap := false
			for _, s := range spans {
				n := 0
				for _, o := range spans {
					if o.gpu == s.gpu && !o.start.After(s.start) && o.end.After(s.start) {
						n++ // o was running on the same GPU when s started (s counts itself)
					}
					if o != s && o.start.Before(s.end) && s.start.Before(o.end) {
						anyOverlap = true
					}
				}
				maxOverlap[s.gpu] = max(maxOverlap[s.gpu], n)
			}
			for gpu, n := range maxOverlap {
				if gpu != "3" && gpu != "5" {
					t.Errorf("unknown GPU %q handed out", gpu)
				}
				if n > perGPU {
					t.Errorf("GPU %s had %d runs at once, per_gpu is %d", gpu, n, perGPU)
				}
			}
			if !anyOverlap {
				t.Error("runs never overlapped: the test proves nothing")
			}
		})
	}
}

func TestRelativeArtifactPathPrefersTheRunDir(t *testing.T) {
	spec := trainerSpec(0, "relative-npy")
	spec.Dir = t.TempDir()
	spec.Env["STALE_DIR"] = spec.Dir
	res := runOneSpec(t, spec, nil)
	if res.Status != StatusOK || len(res.Artifacts) != 1 {
		t.Fatalf("status %s (%s)", res.Status, res.Reason)
	}
	if a := res.Artifacts[0]; a.Info.Shape[0] != 4 || !a.InRunDir {
		t.Errorf("took %s with shape %v: the stale workdir file instead of the run's own", a.Path, a.Info.Shape)
	}
}

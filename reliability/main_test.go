package reliability

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// trainerName is the name the test binary answers to as a trainer.
const trainerName = "hostiletrainer"

var (
	kxrunBin   string // the kxrun binary under test
	trainerBin string // a symlink to this test binary named trainerName
)

// TestMain is the trainer when the binary is run as hostiletrainer;
// otherwise it builds kxrun, runs the scenarios and prints their table.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == trainerName {
		os.Exit(trainer(os.Args[1:]))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin, err := os.MkdirTemp("", "kxrun-reliability-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(bin)
	if err := build(bin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	table.print(os.Stdout)
	return code
}

func build(bin string) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	kxrunBin = filepath.Join(bin, "kxrun")
	out, err := exec.Command(goTool, "build", "-o", kxrunBin, "github.com/kxrun/kxrun/cmd/kxrun").CombinedOutput()
	if err != nil {
		return fmt.Errorf("build kxrun: %v\n%s", err, out)
	}
	trainerBin = filepath.Join(bin, trainerName)
	if raceEnabled {
		args := []string{"test", "-c", "-o", trainerBin}
		if long {
			args = append(args, "-tags", "reliability")
		}
		out, err := exec.Command(goTool, append(args, "github.com/kxrun/kxrun/reliability")...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("build the trainer: %v\n%s", err, out)
		}
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return os.Symlink(exe, trainerBin)
}

// outcome is what one kxrun command did.
type outcome struct {
	code           int // exit status; -1 when killed by a signal
	stdout, stderr string
	peakKB         int64 // peak resident set of kxrun itself (VmHWM), in KiB
	took           time.Duration
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", o.code, o.took.Round(time.Millisecond), o.stdout, o.stderr)
}

// kxrunEnv is the environment kxrun runs with: the test's own, without any
// KXRUN_* setting of the person running the tests, plus extra.
func kxrunEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KXRUN_") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{"NO_COLOR=1"}, extra...)...)
}

// kxrun runs the kxrun binary in dir to completion.
func kxrun(t testing.TB, dir string, env []string, args ...string) outcome {
	t.Helper()
	cmd := kxrunCmd(dir, env, args...)
	return wait(t, cmd, startSampled(t, cmd))
}

func kxrunCmd(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(kxrunBin, args...)
	cmd.Dir = dir
	cmd.Env = kxrunEnv(env...)
	cmd.Stdout, cmd.Stderr = new(bytes.Buffer), new(bytes.Buffer)
	return cmd
}

// sampler follows a process's VmHWM, which the kernel keeps as the peak
// of its resident set, until the process exits.
type sampler struct {
	start time.Time
	stop  chan struct{}
	done  chan struct{}
	peak  int64
}

func startSampled(t testing.TB, cmd *exec.Cmd) *sampler {
	t.Helper()
	s := &sampler{start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kxrun: %v", err)
	}
	go func() {
		defer close(s.done)
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if kb := vmHWM(status); kb > s.peak {
				s.peak = kb
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func vmHWM(statusFile string) int64 {
	data, err := os.ReadFile(statusFile)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

func wait(t testing.TB, cmd *exec.Cmd, s *sampler) outcome {
	t.Helper()
	err := cmd.Wait()
	close(s.stop)
	<-s.done
	o := outcome{code: 0, took: time.Since(s.start), peakKB: s.peak,
		stdout: cmd.Stdout.(*bytes.Buffer).String(), stderr: cmd.Stderr.(*bytes.Buffer).String()}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("kxrun: %v", err)
		}
	}
	o.code = cmd.ProcessState.ExitCode()
	// A process that ends before the first sample has no figure. Its
	// rusage is no substitute: ru_maxrss of a child started by fork and
	// exec counts the memory of this test process at the fork (1 GiB was
	// reported for a 13 MiB kxrun).
	return o
}

// row is one line of the results table.
type row struct {
	order     int
	scenario  string
	trials    int
	lost      int // trials that lost or corrupted anything
	notes     string
	peakKB    int64 // 0 when not measured
	took      time.Duration
	skipped   string
	anomalies []string // what the lost trials did, for the report
}

type results struct {
	mu   sync.Mutex
	rows []row
}

var table results

func (r *results) add(x row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, x)
}

func (r *results) print(w *os.File) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rows) == 0 {
		return
	}
	sort.Slice(r.rows, func(i, j int) bool { return r.rows[i].order < r.rows[j].order })
	form := "short"
	if long {
		form = "long"
	}
	fmt.Fprintf(w, "\nkxrun reliability (%s form, %s/%s, %d CPUs)\n\n", form, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintln(w, "| scenario | trials | lost/corrupted | notes | peak RSS of kxrun | time |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, x := range r.rows {
		lost, rss := strconv.Itoa(x.lost), "—"
		if x.skipped != "" {
			lost = "skipped"
			x.notes = x.skipped
		}
		if x.peakKB > 0 {
			rss = fmt.Sprintf("%.1f MiB", float64(x.peakKB)/1024)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s |\n", x.scenario, x.trials, lost, x.notes, rss, x.took.Round(100*time.Millisecond))
	}
	for _, x := range r.rows {
		for _, a := range x.anomalies {
			fmt.Fprintf(w, "  %s: %s\n", x.scenario, a)
		}
	}
	fmt.Fprintln(w)
}

// scenario collects a scenario's figures and adds them to the table when
// the test ends, whatever happens.
type scenario struct {
	t     *testing.T
	mu    sync.Mutex
	r     row
	start time.Time
}

func newScenario(t *testing.T, order int, name string) *scenario {
	s := &scenario{t: t, r: row{order: order, scenario: name}, start: time.Now()}
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.r.took = time.Since(s.start)
		if t.Skipped() && s.r.skipped == "" {
			s.r.skipped = "skipped"
		}
		table.add(s.r)
	})
	return s
}

// trial counts one trial; problems, if any, make it a lost one and fail
// the test.
func (s *scenario) trial(problems []string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.trials++
	if len(problems) > 0 {
		s.r.lost++
		for _, p := range problems {
			s.t.Errorf("trial %d: %s", s.r.trials, p)
			if len(s.r.anomalies) < 20 {
				s.r.anomalies = append(s.r.anomalies, fmt.Sprintf("trial %d: %s", s.r.trials, p))
			}
		}
	}
}

// counts sets the figures of a scenario whose trials are not counted one
// by one.
func (s *scenario) counts(trials, lost int, problems []string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.trials, s.r.lost = trials, min(lost, trials)
	if len(problems) > 0 && s.r.lost == 0 {
		s.r.lost = 1
	}
	for _, p := range problems {
		s.t.Error(p)
		if len(s.r.anomalies) < 20 {
			s.r.anomalies = append(s.r.anomalies, p)
		}
	}
}

// fail counts a trial already counted as lost, for a problem found after
// it (a batch check).
func (s *scenario) fail(problem string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.lost = min(s.r.lost+1, s.r.trials)
	s.t.Error(problem)
	s.r.anomalies = append(s.r.anomalies, problem)
}

func (s *scenario) peak(kb int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.peakKB = max(s.r.peakKB, kb)
}

func (s *scenario) note(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.r.notes != "" {
		s.r.notes += "; "
	}
	s.r.notes += fmt.Sprintf(format, args...)
}

func (s *scenario) skip(format string, args ...any) {
	s.t.Helper()
	s.mu.Lock()
	s.r.skipped = fmt.Sprintf(format, args...)
	s.mu.Unlock()
	s.t.Skip(s.r.skipped)
}

// pick returns short in the short form and long in the long form.
func pick[T any](short, long_ T) T {
	if long {
		return long_
	}
	return short
}

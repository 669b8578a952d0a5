package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/kxrun/kxrun/internal/fileutil"
	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/plan"
)

// Spec is one run to make: a variant of a plan with one seed.
type Spec struct {
	Index    int // position in the caller's order; results come back in it
	Name     string
	Plan     string
	Variant  string
	Seed     int64
	Features []string
	Params   map[string]any
	Command  plan.Command // with placeholders
	Dir      string       // working directory, absolute
	Env      map[string]string
	Timeout  time.Duration
	Retries  int
	// Target and Folds are the plan's label and fold arrays (paths relative
	// to Dir), for trainers that do not report them; "" when not set.
	Target, Folds string
	// Fingerprint is an opaque identity of what the run computes, carried
	// through for the caller.
	Fingerprint string
	// Techniques are the plan's techniques on in this run, in plan order
	// (their params and env are merged into Params and Env already).
	Techniques []string
}

// Workspace is where one attempt of a run happens, made by Hooks.Prepare.
type Workspace struct {
	RunDir   string    // an empty directory for this attempt only, absolute
	SpecPath string    // where the runner writes the spec JSON for the trainer
	Log      io.Writer // stdout and stderr of the command
}

// Hooks connect the runner to whoever stores results.
type Hooks struct {
	// Prepare makes a workspace for an attempt (attempt counts from 1).
	Prepare func(spec *Spec, attempt int) (*Workspace, error)
	// Started, if set, is called when an attempt's process is about to start.
	Started func(spec *Spec, attempt int)
	// Finish records a finished run. An error stops the whole sweep: if
	// results cannot be kept there is no point in making more.
	Finish func(res *Result) error
}

// Status is how a run ended.
type Status string

const (
	StatusOK        Status = "ok"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Artifact is a validated prediction array a trainer produced.
type Artifact struct {
	Kind     string // "oof", "test", "target" or "folds"
	Path     string // absolute path where the trainer left it
	InRunDir bool   // a regular file inside the run directory: may be moved
	Info     npyfile.Info
}

// Result is a finished run.
type Result struct {
	Spec      *Spec
	Status    Status
	Reason    string       // why it failed or was cancelled
	Command   plan.Command // as run, placeholders expanded
	Outcome   Outcome
	Trainer   *TrainerResult // nil unless a valid result was found
	Params    map[string]any // the plan's params with the trainer's merged over them
	Artifacts []Artifact
	Attempts  int
	GPU       *int // the GPU slot the run had, if any
	Workspace *Workspace
	// ResultSource says where the result came from: "result.json" or "stdout".
	ResultSource string
}

// Options configure Run.
type Options struct {
	Jobs     int      // runs at once, at least 1
	Executor Executor // Local when nil
	BaseEnv  []string // inherited environment, os.Environ() when nil
	// GPUs, when set, are shared out as slots: each run gets
	// CUDA_VISIBLE_DEVICES of a free slot, no GPU ever has more than PerGPU
	// runs, and at most len(GPUs)*PerGPU runs go at once.
	GPUs   []int
	PerGPU int
	// Stop, when closed, starts no more runs; those going finish.
	Stop <-chan struct{}
}

// gpuSlots hands out GPUs, each at most perGPU times at once.
type gpuSlots chan int

func newGPUSlots(gpus []int, perGPU int) gpuSlots {
	if len(gpus) == 0 {
		return nil
	}
	perGPU = max(perGPU, 1)
	slots := make(gpuSlots, len(gpus)*perGPU)
	// Round-robin order spreads runs over the GPUs before doubling up.
	for range perGPU {
		for _, g := range gpus {
			slots <- g
		}
	}
	return slots
}

// ErrInterrupted is returned by Run when ctx was cancelled before every
// run had finished.
var ErrInterrupted = errors.New("interrupted")

// Run makes every run in specs, at most opts.Jobs at once. A failed run is a
// result, not an error: the error is from a hook, or ErrInterrupted. Results
// are returned in spec order; runs that never started are nil.
func Run(ctx context.Context, specs []*Spec, opts Options, hooks Hooks) ([]*Result, error) {
	exe := opts.Executor
	if exe == nil {
		exe = &Local{}
	}
	base := opts.BaseEnv
	if base == nil {
		base = os.Environ()
	}
	jobs := max(opts.Jobs, 1)
	if sch, ok := exe.(Scheduler); ok {
		jobs = sch.InFlight(jobs, len(specs))
	}
	slots := newGPUSlots(opts.GPUs, opts.PerGPU)
	if slots != nil {
		jobs = min(jobs, cap(slots))
	}
	results := make([]*Result, len(specs))

	// jobs workers take the runs in order. Workers that live for the whole
	// sweep, rather than a goroutine per run, keep the stacks they grew:
	// growing a new one on every run was ~3% of a sweep of short runs.
	g, gctx := errgroup.WithContext(ctx)
	next := make(chan int)
	for range min(jobs, len(specs)) {
		g.Go(func() error {
			for i := range next {
				if gctx.Err() != nil || isClosed(opts.Stop) {
					continue // handed over as the sweep was stopped: never started
				}
				res, err := runOne(gctx, exe, base, specs[i], hooks, slots)
				if err != nil {
					return err
				}
				results[i] = res
				if err := hooks.Finish(res); err != nil {
					return err
				}
			}
			return nil
		})
	}
feed:
	for i := range specs {
		select {
		case next <- i:
		case <-gctx.Done():
			break feed // interrupted, or a hook failed: start no more
		case <-opts.Stop:
			break feed
		}
	}
	close(next)
	if err := g.Wait(); err != nil {
		return results, err
	}
	if ctx.Err() != nil {
		return results, ErrInterrupted
	}
	return results, nil
}

// isClosed tells whether c is closed, without waiting.
func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func runOne(ctx context.Context, exe Executor, base []string, spec *Spec, hooks Hooks, slots gpuSlots) (*Result, error) {
	var gpu *int
	if slots != nil {
		// Never blocks: concurrency is capped at the number of slots.
		g := <-slots
		defer func() { slots <- g }()
		gpu = &g
	}
	var res *Result
	for attempt := 1; attempt <= spec.Retries+1; attempt++ {
		ws, err := hooks.Prepare(spec, attempt)
		if err != nil {
			return nil, fmt.Errorf("prepare run %s: %w", spec.Name, err)
		}
		if attempt > 1 {
			fmt.Fprintf(ws.Log, "\n--- kxrun: attempt %d of %d (previous: %s) ---\n", attempt, spec.Retries+1, res.Reason)
		}
		res = attemptOnce(ctx, exe, base, spec, ws, hooks, attempt, gpu)
		res.Attempts, res.GPU = attempt+res.Outcome.Requeued, gpu
		if res.Status != StatusFailed || ctx.Err() != nil {
			break
		}
	}
	return res, nil
}

func attemptOnce(ctx context.Context, exe Executor, base []string, spec *Spec, ws *Workspace, hooks Hooks, attempt int, gpu *int) *Result {
	res := &Result{Spec: spec, Workspace: ws, Params: spec.Params}
	res.Command = spec.Command.Expand(plan.Vars{
		Seed: spec.Seed, Features: spec.Features, Variant: spec.Variant,
		RunDir: ws.RunDir, Spec: ws.SpecPath, Techniques: spec.Techniques,
	})
	if err := writeSpecFile(spec, ws); err != nil {
		res.Status, res.Reason = StatusFailed, fmt.Sprintf("could not write the spec file: %v", err)
		return res
	}
	if hooks.Started != nil {
		hooks.Started(spec, attempt)
	}
	job := Job{
		Name:    spec.Name,
		Index:   spec.Index,
		Command: res.Command,
		Dir:     spec.Dir,
		Env:     childEnv(base, spec, ws, gpu),
		Timeout: spec.Timeout,
		Log:     ws.Log,
		// The run directory is unique to the attempt, and every process
		// the trainer starts inherits it unless it clears its environment.
		Marker: "KXRUN_RUN_DIR=" + ws.RunDir,
	}
	res.Outcome = exe.Execute(ctx, job)
	res.Status, res.Reason = judge(res.Outcome, spec.Timeout)
	if res.Status != StatusOK {
		return res
	}
	if err := collect(res, spec, ws); err != nil {
		res.Status, res.Reason = StatusFailed, err.Error()
	}
	return res
}

// judge turns a process outcome into a status before the result is read.
func judge(o Outcome, timeout time.Duration) (Status, string) {
	switch {
	case o.Lost != "":
		return StatusFailed, o.Lost
	case o.StartErr != nil:
		return StatusFailed, fmt.Sprintf("could not start: %v", o.StartErr)
	case o.TimedOut:
		return StatusFailed, fmt.Sprintf("timed out after %s", timeout)
	case o.Cancelled:
		return StatusCancelled, "cancelled: kxrun was interrupted"
	case o.Signal != "":
		return StatusFailed, withStderr(fmt.Sprintf("killed by signal %s", o.Signal), o.StderrTail)
	case o.ExitCode != 0:
		return StatusFailed, withStderr(fmt.Sprintf("exit status %d", o.ExitCode), o.StderrTail)
	}
	return StatusOK, ""
}

// withStderr adds the last line the trainer wrote to stderr, which is
// usually the error message a user needs. Control characters (NUL, escape
// sequences, carriage returns) become U+FFFD: the reason is one line of
// text in runs.csv (pandas stops a cell at a NUL) and on terminals.
func withStderr(reason, tail string) string {
	lines := strings.Split(strings.TrimRight(tail, "\n \t\r"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return reason
	}
	last = strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, last)
	return reason + ": " + truncate(last, 200)
}

// maxResultFile bounds the size of a result.json read into memory.
const maxResultFile = 64 << 20

// collect finds and validates the trainer's result and arrays.
func collect(res *Result, spec *Spec, ws *Workspace) error {
	data, source, err := findResult(ws.RunDir, res.Outcome.ResultLine, res.Outcome.ResultLineErr)
	if err != nil {
		return err
	}
	res.ResultSource = source
	tr, err := ParseResult(data)
	if err != nil {
		return fmt.Errorf("%s: %w", source, pythonHint(data, err))
	}
	res.Trainer = tr
	// The plan's params, with what the trainer reports it used over them;
	// no params stay null in the record.
	res.Params = spec.Params
	if len(tr.Params) > 0 {
		res.Params = plan.MergeParams(spec.Params, tr.Params)
	}
	labels := []struct{ kind, declared, planned string }{{"target", tr.Target, spec.Target}, {"folds", tr.Folds, spec.Folds}}
	for _, a := range append([]struct{ kind, declared, planned string }{{"oof", tr.OOF, ""}, {"test", tr.Test, ""}}, labels...) {
		declared := a.declared
		if declared == "" && a.planned != "" {
			// The plan's paths are relative to the workdir, not the run's directory.
			declared = a.planned
			if !filepath.IsAbs(declared) {
				declared = filepath.Join(spec.Dir, declared)
			}
		}
		art, err := findArtifact(a.kind, declared, spec.Dir, ws.RunDir)
		if err != nil {
			return err
		}
		if art != nil {
			res.Artifacts = append(res.Artifacts, *art)
		}
	}
	return nil
}

func findResult(runDir string, line []byte, lineErr error) ([]byte, string, error) {
	path := filepath.Join(runDir, "result.json")
	f, _, err := fileutil.OpenRegular(path)
	switch {
	case err == nil:
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxResultFile+1))
		if err != nil {
			return nil, "", fmt.Errorf("result.json: %v", err)
		}
		if len(data) > maxResultFile {
			return nil, "", fmt.Errorf("result.json is larger than %d MiB", maxResultFile>>20)
		}
		return data, "result.json", nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", fmt.Errorf("result.json: %v", err)
	}
	if long := (*LineTooLongError)(nil); line == nil && errors.As(lineErr, &long) {
		return nil, "", fmt.Errorf("stdout: %w", lineErr)
	}
	if line == nil && lineErr != nil {
		return nil, "", fmt.Errorf("stdout: malformed result JSON: %v (in the last line that looks like a JSON object)", lineErr)
	}
	if line == nil {
		return nil, "", errors.New("no result: the command wrote no result.json and printed no JSON object on stdout")
	}
	return line, "stdout", nil
}

func findArtifact(kind, declared, workdir, runDir string) (*Artifact, error) {
	path, shown := declared, declared
	switch {
	case declared == "":
		path, shown = filepath.Join(runDir, kind+".npy"), "$KXRUN_RUN_DIR/"+kind+".npy"
		if _, err := os.Lstat(path); err != nil {
			return nil, nil // the default file is optional
		}
	case !filepath.IsAbs(declared):
		// The run directory first: a file there is this run's own, whereas
		// one in the workdir may be left over from another run.
		path = filepath.Join(runDir, declared)
		if _, err := os.Lstat(path); err != nil {
			path = filepath.Join(workdir, declared)
		}
	}
	info, err := npyfile.Inspect(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if filepath.IsAbs(declared) {
				return nil, fmt.Errorf("%s: %s does not exist", kind, declared)
			}
			return nil, fmt.Errorf("%s: %s does not exist in the run directory or the workdir", kind, declared)
		}
		var ne *npyfile.Error
		if errors.As(err, &ne) {
			// The run directory is removed after the run: name the file as
			// the trainer knows it.
			return nil, fmt.Errorf("%s: %s: %s", kind, shown, ne.Reason)
		}
		return nil, fmt.Errorf("%s: %v", kind, err)
	}
	return &Artifact{Kind: kind, Path: path, InRunDir: movable(path, runDir), Info: info}, nil
}

// movable reports whether a file is a plain file of the run's own directory,
// which the tracker may take by renaming. Anything else (a symlink, a file
// elsewhere) is copied so that nothing outside the run is disturbed.
func movable(path, runDir string) bool {
	rel, err := filepath.Rel(runDir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// SpecFile is the JSON written to KXRUN_SPEC for the trainer.
type SpecFile struct {
	Plan     string         `json:"plan"`
	Name     string         `json:"name"`
	Variant  string         `json:"variant"`
	Seed     int64          `json:"seed"`
	Features []string       `json:"features"`
	Params   map[string]any `json:"params"`
	RunDir   string         `json:"run_dir"`
	Workdir  string         `json:"workdir"`
	// Techniques on, in plan order; [] when none.
	Techniques []string `json:"techniques"`
}

func writeSpecFile(spec *Spec, ws *Workspace) error {
	params := spec.Params
	if params == nil {
		params = map[string]any{}
	}
	techniques := spec.Techniques
	if techniques == nil {
		techniques = []string{}
	}
	data, err := json.MarshalIndent(SpecFile{
		Plan: spec.Plan, Name: spec.Name, Variant: spec.Variant, Seed: spec.Seed,
		Features: spec.Features, Params: params, RunDir: ws.RunDir, Workdir: spec.Dir,
		Techniques: techniques,
	}, "", "  ")
	if err != nil {
		return err
	}
	// Rewritten in place: the spec file of a reused slot is there already.
	return fileutil.Overwrite(ws.SpecPath, append(data, '\n'), 0o644)
}

// childEnv is the inherited environment with the plan's env, the
// protocol's variables and the GPU slot set over it.
func childEnv(base []string, spec *Spec, ws *Workspace, gpu *int) []string {
	set := map[string]string{}
	for k, v := range spec.Env {
		set[k] = v
	}
	if gpu != nil {
		set["CUDA_VISIBLE_DEVICES"] = strconv.Itoa(*gpu)
	}
	set["KXRUN_SEED"] = strconv.FormatInt(spec.Seed, 10)
	set["KXRUN_FEATURES"] = strings.Join(spec.Features, ",")
	set["KXRUN_VARIANT"] = spec.Variant
	set["KXRUN_TECHNIQUES"] = strings.Join(spec.Techniques, ",")
	set["KXRUN_RUN_DIR"] = ws.RunDir
	set["KXRUN_SPEC"] = ws.SpecPath
	set["KXRUN_PLAN"] = spec.Plan
	set["KXRUN_RUN_NAME"] = spec.Name
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, override := set[k]; !override {
			env = append(env, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		env = append(env, k+"="+set[k])
	}
	return env
}

func program(c plan.Command) string {
	if c.IsShell() {
		return "/bin/sh"
	}
	if len(c.Argv) == 0 {
		return "(empty command)"
	}
	return c.Argv[0]
}

package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/tracker"
)

// Options configure a sweep of runs.
type Options struct {
	Plan     *plan.Plan
	Tracker  *tracker.Tracker
	Workdir  string // absolute; where commands run
	Jobs     int
	Source   string          // recorded in each run: "ablation", "run", ...
	Executor runner.Executor // runner.Local when nil
	BaseEnv  []string        // os.Environ() when nil
	// Progress receives one line per finished run (stderr, or stdout
	// without --json).
	Progress io.Writer
	// Events, if set, hear about the sweep as it goes (live display).
	Events Events
	// Force runs everything again instead of reusing ok runs with the
	// same fingerprint.
	Force bool
	// GPUs and PerGPU share GPUs out as slots (plan keys gpus, per_gpu).
	GPUs   []int
	PerGPU int
	// KeepGoing starts every run even when the first ones all failed the
	// same way (see FailFastError).
	KeepGoing bool
}

// failFastRuns is how many first runs failing alike stop a sweep.
const failFastRuns = 3

// FailFastError stops a sweep whose first runs all failed the same way
// (a missing module, a wrong path): the rest would fail too. The runs that
// ended are logged; no other run was started.
type FailFastError struct {
	Runs   int
	Reason string
	Left   int // runs not started
}

func (e *FailFastError) Error() string {
	return fmt.Sprintf("the first %d runs all failed the same way, so the other %d were not started: %s", e.Runs, e.Left, e.Reason)
}

// Events hear about a sweep as it goes. Calls are serialised.
type Events interface {
	SweepStarted(total, cached int)
	RunStarted(spec *runner.Spec, attempt int)
	RunFinished(f *Finished)
}

// Finished is a run that ended and was committed to the tracker, or an
// earlier run reused from the cache.
type Finished struct {
	Spec   *runner.Spec
	Record *tracker.Record
	Cached bool
}

// Planned says what a sweep will do with one run.
type Planned struct {
	Spec   *runner.Spec
	Cached *tracker.Row // the ok run that will be reused, or nil
}

// sweep runs specs and commits every run as it ends.
type sweep struct {
	opts  Options
	specs []*runner.Spec

	mu       sync.Mutex
	staging  *tracker.Staging
	running  []*running // by spec index; each spec is handled by one goroutine
	finished []*Finished
	scores   map[refKey]float64 // ok runs' CV, for the per-run gain
	variants map[string]plan.Variant
	status   *tracker.SweepStatus
	// statusWritten is when the status file was last written; a timer
	// writes what a throttled update skipped, until the sweep is done.
	statusWritten time.Time
	statusTimer   *time.Timer
	statusDone    bool
	inputs        map[string]string // hashes of the plan's inputs
	committer     *committer
	// configBodies caches configBody by variant: all its runs share it.
	configBodies map[string][]byte
	claimed      []string // fingerprints this sweep claimed
	// The first fresh runs' reasons, for FailFastError; stop is closed
	// when they all failed alike.
	firstReasons []string
	stop         chan struct{}
	failFast     *FailFastError
	fresh        int
}

// running is where a run that has not finished yet happens.
type running struct {
	slot    *tracker.Slot
	logPath string
	log     *os.File
}

type refKey struct {
	variant string
	seed    int64
}

// specsOf turns plan runs into runner specs, fingerprinted.
func specsOf(p *plan.Plan, runs []plan.RunSpec, workdir string, inputs map[string]string) []*runner.Spec {
	specs := make([]*runner.Spec, len(runs))
	for i, r := range runs {
		specs[i] = &runner.Spec{
			Index: i, Name: r.Name, Plan: p.Name, Variant: r.Variant.Name, Seed: r.Seed,
			Features: r.Variant.Features, Params: r.Variant.Params, Command: p.Command,
			Dir: workdir, Env: r.Variant.Env, Timeout: p.Timeout, Retries: p.Retries,
			Techniques: r.Variant.Techniques,
			Target:     p.Target, Folds: p.Folds,
		}
		specs[i].Fingerprint = Fingerprint(specs[i], inputs)
	}
	return specs
}

// planSweep fingerprints the runs and finds those an earlier ok run
// already did.
func planSweep(opts Options, runs []plan.RunSpec) ([]Planned, map[string]string, error) {
	inputs, err := HashInputs(opts.Workdir, opts.Plan.Inputs)
	if err != nil {
		return nil, nil, err
	}
	specs := specsOf(opts.Plan, runs, opts.Workdir, inputs)
	done := map[string]*tracker.Row{}
	if !opts.Force {
		rows, warnings, err := opts.Tracker.Runs()
		if err != nil {
			return nil, nil, err
		}
		for _, w := range warnings {
			if opts.Tracker.Warn != nil {
				opts.Tracker.Warn(w)
			}
		}
		for i := range rows {
			if rows[i].Status == string(runner.StatusOK) && rows[i].Fingerprint != "" {
				done[rows[i].Fingerprint] = &rows[i] // the latest wins
			}
		}
	}
	planned := make([]Planned, len(specs))
	var other []string
	otherDir := ""
	for i, s := range specs {
		c := done[s.Fingerprint]
		// A run recorded under the other direction is not reused: a
		// verdict over runs of two directions would mean nothing.
		if c != nil && c.Direction != "" && c.Direction != string(opts.Plan.Direction) {
			other, otherDir, c = append(other, c.RunID), c.Direction, nil
		}
		planned[i] = Planned{Spec: s, Cached: c}
	}
	if len(other) > 0 && opts.Tracker.Warn != nil {
		opts.Tracker.Warn(fmt.Sprintf("%s is %s (metric %q), but %d cached run(s) were recorded as %s (%s): they are run again; if their direction was wrong, correct it with kxrun edit RUN --direction %s",
			opts.Plan.Path, opts.Plan.Direction, opts.Plan.Metric, len(other), otherDir, abbreviateList(other, 5), opts.Plan.Direction))
	}
	return planned, inputs, nil
}

// DryRun lists what a sweep of runs would do, running nothing.
func DryRun(opts Options, runs []plan.RunSpec) ([]Planned, error) {
	planned, _, err := planSweep(opts, runs)
	return planned, err
}

// runSweep runs what is not cached and returns every run, in spec order
// (nil for runs that never started). The error is a storage failure or
// runner.ErrInterrupted.
func runSweep(ctx context.Context, opts Options, runs []plan.RunSpec) ([]*Finished, error) {
	started := time.Now()
	planStat, _ := os.Stat(opts.Tracker.CSVPath())
	planned, inputs, err := planSweep(opts, runs)
	if err != nil {
		return nil, err
	}
	s := &sweep{
		opts:     opts,
		inputs:   inputs,
		running:  make([]*running, len(planned)),
		finished: make([]*Finished, len(planned)),
		scores:   map[refKey]float64{},
		variants: map[string]plan.Variant{},

		configBodies: map[string][]byte{},
	}
	for _, v := range opts.Plan.Variants() {
		s.variants[v.Name] = v
	}
	var fresh []*runner.Spec
	for i, pl := range planned {
		s.specs = append(s.specs, pl.Spec)
		if pl.Cached == nil {
			fresh = append(fresh, pl.Spec)
			continue
		}
		rec, err := opts.Tracker.Details(pl.Cached.RunID)
		if err != nil {
			return nil, fmt.Errorf("cached run %s: %w (run with --force to redo it)", pl.Cached.RunID, err)
		}
		rec.LBScore = pl.Cached.LBScore
		s.finished[i] = &Finished{Spec: pl.Spec, Record: rec, Cached: true}
	}
	s.startStatus(len(planned), len(planned)-len(fresh))
	defer s.endStatus()
	s.mu.Lock()
	for _, f := range s.finished {
		if f != nil {
			s.noteScore(f)
			s.report(f)
		}
	}
	s.mu.Unlock()

	if s.staging, err = opts.Tracker.NewStaging(); err != nil {
		return nil, err
	}
	s.committer = newCommitter(s)
	// Runs another process claimed are waited for and their results
	// reused; those it did not make ok are claimed and run here.
	mine, theirs := s.claim(fresh)
	defer s.releaseAll()
	if now, _ := os.Stat(opts.Tracker.CSVPath()); !sameFile(planStat, now) {
		// Another process logged runs since the planning: those it made
		// before these claims are reused, not made again.
		if mine, err = s.reuse(mine); err != nil {
			return nil, err
		}
	}
	s.stop, s.fresh = make(chan struct{}), len(fresh)
	for {
		_, err = runner.Run(ctx, mine, runner.Options{
			Jobs: opts.Jobs, Executor: opts.Executor, BaseEnv: opts.BaseEnv, GPUs: opts.GPUs, PerGPU: opts.PerGPU,
			Stop: s.stop,
		}, runner.Hooks{Prepare: s.prepare, Started: s.started, Finish: s.finish})
		if err != nil || len(theirs) == 0 || s.failFast != nil {
			break
		}
		var left []*runner.Spec
		if left, err = s.await(ctx, theirs); err != nil {
			break
		}
		mine, theirs = s.claim(left)
	}
	// Runs that ended are logged even when the sweep was interrupted; a
	// failed commit is the error that stopped it.
	if cerr := s.committer.close(); cerr != nil {
		err = cerr
	}
	for _, r := range s.running {
		if r != nil {
			r.log.Close() // a run that never finished
		}
	}
	s.staging.Remove() // and the files of runs that could not be committed
	if err == nil && s.failFast != nil {
		for _, f := range s.finished {
			if f == nil {
				s.failFast.Left++
			}
		}
		err = s.failFast
	}
	s.record(started, err)
	return s.finished, err
}

// record leaves the sweep's summary in the tracker (kxrun sweeps). It is
// not worth failing a sweep over: an error is only warned of.
func (s *sweep) record(started time.Time, err error) {
	c := CountRuns(s.finished)
	rec := &tracker.SweepRecord{
		Command: s.opts.Source, Plan: s.opts.Plan.Name, PlanFile: s.opts.Plan.Path, PID: os.Getpid(),
		Started: started, Finished: time.Now(), Total: c.Total, OK: c.OK, Failed: c.Failed,
		Cancelled: c.Cancelled, NotStarted: c.NotStarted, Cached: c.Cached, Fresh: c.Fresh,
		Interrupted: IsInterrupted(err), RunIDs: make([]string, len(s.finished)),
	}
	for i, f := range s.finished {
		if f != nil {
			rec.RunIDs[i] = f.Record.RunID
		}
	}
	if werr := s.opts.Tracker.SaveSweep(rec); werr != nil && s.opts.Tracker.Warn != nil {
		s.opts.Tracker.Warn(werr.Error())
	}
}

// noteFirst watches the first fresh runs: when they all failed with the
// same reason, no other run is started.
func (s *sweep) noteFirst(res *runner.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.KeepGoing || s.fresh <= failFastRuns || len(s.firstReasons) >= failFastRuns || res.Status == runner.StatusCancelled {
		return
	}
	reason := ""
	if res.Status != runner.StatusOK {
		reason = res.Reason
	}
	s.firstReasons = append(s.firstReasons, reason)
	if len(s.firstReasons) < failFastRuns {
		return
	}
	for _, r := range s.firstReasons {
		if r == "" || r != s.firstReasons[0] {
			return
		}
	}
	s.failFast = &FailFastError{Runs: failFastRuns, Reason: reason}
	close(s.stop)
}

func (s *sweep) prepare(spec *runner.Spec, attempt int) (*runner.Workspace, error) {
	r := s.running[spec.Index]
	if r == nil {
		slot, err := s.staging.Slot()
		if err != nil {
			return nil, err
		}
		r = &running{slot: slot}
		if r.logPath, r.log, err = s.staging.NewLog(); err != nil {
			s.staging.Release(slot)
			return nil, err
		}
		s.running[spec.Index] = r
	}
	if err := r.slot.Attempt(); err != nil {
		return nil, err
	}
	return &runner.Workspace{RunDir: r.slot.RunDir, SpecPath: r.slot.SpecPath, Log: r.log}, nil
}

func (s *sweep) started(spec *runner.Spec, attempt int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Events != nil {
		s.opts.Events.RunStarted(spec, attempt)
	}
	if attempt == 1 {
		s.status.Running = append(s.status.Running, tracker.RunningRun{Name: spec.Name, Started: time.Now()})
		s.writeStatus()
	}
}

// finish hands a run that ended to the committer, its files moved out of
// its slot so that the next run can have the slot at once.
func (s *sweep) finish(res *runner.Result) error {
	s.noteFirst(res)
	r := s.running[res.Spec.Index]
	s.running[res.Spec.Index] = nil
	defer s.staging.Release(r.slot)
	if err := r.log.Close(); err != nil {
		return fmt.Errorf("close log of %s: %w", res.Spec.Name, err)
	}
	files := tracker.Files{Log: r.logPath}
	kept, err := s.keepArtifacts(res)
	switch {
	case errors.Is(err, tracker.ErrChanged):
		res.Status, res.Reason = runner.StatusFailed, err.Error()+" (did another run write it? a run's own arrays belong in $KXRUN_RUN_DIR)"
	case err != nil:
		return err
	default:
		files.Artifacts = kept
	}
	rec := recordOf(s.opts.Plan, s.opts.Source, res)
	rec.Fingerprint, rec.Inputs, rec.GPU = res.Spec.Fingerprint, s.inputs, res.GPU
	cfg, err := configOf(s.opts.Plan, res.Spec, s.configBody(res.Spec))
	if err != nil {
		return err
	}
	rec.ResolvedConfig = string(cfg)
	files.Config = cfg
	return s.committer.add(queued{
		pending: tracker.Pending{Record: rec, Files: files},
		finish:  &Finished{Spec: res.Spec, Record: rec},
	})
}

// configBody is the part of its variant's resolved config that a run
// shares with the other seeds, encoded once; nil if that failed (configOf
// then tries again and reports why).
func (s *sweep) configBody(spec *runner.Spec) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body, ok := s.configBodies[spec.Variant]; ok {
		return body
	}
	body, err := configBody(s.opts.Plan, spec)
	if err != nil {
		return nil
	}
	s.configBodies[spec.Variant] = body
	return body
}

// keepArtifacts takes a run's arrays out of its slot, or copies those
// that live elsewhere, before the next run can touch them: the commit
// comes later.
func (s *sweep) keepArtifacts(res *runner.Result) ([]tracker.ArtifactFile, error) {
	var out []tracker.ArtifactFile
	for _, a := range res.Artifacts {
		var kept string
		var err error
		if a.InRunDir {
			kept, err = s.staging.Keep(a.Path)
		} else {
			kept, err = s.staging.KeepCopy(a.Path, a.Info.SHA256)
		}
		if err != nil {
			return nil, fmt.Errorf("keep %s of %s: %w", a.Kind, res.Spec.Name, err)
		}
		out = append(out, tracker.ArtifactFile{Kind: a.Kind, Path: kept, Source: a.Path, Move: true, Info: a.Info})
	}
	return out, nil
}

// logged reports a run whose row is in runs.csv.
func (s *sweep) logged(f *Finished, nb tracker.Neighbours) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished[f.Spec.Index] = f
	s.noteScore(f)
	line := s.runLine(f.Record)
	if d := DeltaText(f.Record, nb); d != "" {
		line += "  (" + d + ")"
	}
	if s.opts.Progress != nil {
		fmt.Fprintln(s.opts.Progress, line)
	}
	s.updateStatus(f)
	if s.opts.Events != nil {
		s.opts.Events.RunFinished(f)
	}
}

// report prints a cached run; the caller holds s.mu.
func (s *sweep) report(f *Finished) {
	if s.opts.Progress != nil {
		fmt.Fprintf(s.opts.Progress, "cached %s  %s  %s ± %s\n", f.Record.RunID, f.Spec.Name, fmtOpt(f.Record.CVScore), fmtOpt(f.Record.CVStd))
	}
	if s.opts.Events != nil {
		s.opts.Events.RunFinished(f)
	}
}

func (s *sweep) noteScore(f *Finished) {
	if f.Record.Status == string(runner.StatusOK) && f.Record.CVScore != nil {
		variant, seed := f.variantSeed()
		s.scores[refKey{s.canonical(variant), seed}] = *f.Record.CVScore
	}
}

// variantSeed is the variant and seed a run stands for in this sweep: a
// cached run may have been made by another plan with the same computation.
func (f *Finished) variantSeed() (string, int64) {
	if f.Spec != nil {
		return f.Spec.Variant, f.Spec.Seed
	}
	var seed int64
	if f.Record.Seed != nil {
		seed = *f.Record.Seed
	}
	return f.Record.Variant, seed
}

// canonical is the variant whose runs stand for v.
func (s *sweep) canonical(name string) string {
	if v, ok := s.variants[name]; ok && v.SameAs != "" {
		return v.SameAs
	}
	return name
}

// runLine is the line printed when a run ends; the caller holds s.mu.
func (s *sweep) runLine(rec *tracker.Record) string {
	dur := time.Duration(rec.DurationS * float64(time.Second)).Round(10 * time.Millisecond)
	if rec.Status != string(runner.StatusOK) {
		return fmt.Sprintf("%s  %-32s  %-8s %s  (%s)", rec.RunID, rec.Name, rec.Status, dur, rec.Reason)
	}
	line := fmt.Sprintf("%s  %-32s  %s ± %s", rec.RunID, rec.Name, fmtScore(*rec.CVScore), fmtScore(*rec.CVStd))
	if g, ok := s.seedGain(rec.Variant, *rec.Seed, *rec.CVScore); ok {
		line += fmt.Sprintf("  gain %s", fmtGain(g))
	}
	return line + fmt.Sprintf("  %s  ok", dur)
}

// seedGain is the gain of a run over its same-seed reference, if that has
// finished.
func (s *sweep) seedGain(variant string, seed int64, score float64) (float64, bool) {
	v, ok := s.variants[variant]
	if !ok || v.Reference == "" {
		return 0, false
	}
	ref, ok := s.scores[refKey{s.canonical(v.Reference), seed}]
	if !ok {
		return 0, false
	}
	return signedGain(s.opts.Plan.Direction, v.Kind, score, ref), true
}

// signedGain is how much a group is worth, positive when it helps: for
// "-g" the reference (all) minus the variant, for "+g" the variant minus
// the reference (base), flipped when lower scores are better.
func signedGain(d plan.Direction, kind plan.VariantKind, score, ref float64) float64 {
	diff := score - ref
	if kind == plan.KindMinus {
		diff = ref - score
	}
	return d.Sign() * diff
}

func fmtScore(f float64) string { return fmt.Sprintf("%.5f", f) }

func fmtOpt(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmtScore(*f)
}

func fmtGain(f float64) string {
	s := fmt.Sprintf("%+.5f", f)
	if s == "-0.00000" {
		s = "+0.00000"
	}
	return s
}

// IsInterrupted reports whether err means the sweep was interrupted.
func IsInterrupted(err error) bool {
	return errors.Is(err, runner.ErrInterrupted) || errors.As(err, new(*FailFastError))
}

// abbreviateList joins the first n items of list, saying how many more.
func abbreviateList(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(" and %d more", len(list)-n)
}

// claim claims the fingerprints of specs in the tracker: it returns those
// this sweep now owns and those another live process is running.
func (s *sweep) claim(specs []*runner.Spec) (mine, theirs []*runner.Spec) {
	infos := make([]tracker.ClaimInfo, len(specs))
	for i, sp := range specs {
		infos[i] = tracker.ClaimInfo{Fingerprint: sp.Fingerprint, Name: sp.Name, Plan: sp.Plan}
	}
	owners, err := s.opts.Tracker.ClaimAll(infos)
	if err != nil {
		// A tracker where claims cannot be written still runs: the claim
		// only saves duplicate work.
		return specs, nil
	}
	for _, sp := range specs {
		if owner := owners[sp.Fingerprint]; owner != nil {
			fmt.Fprintf(s.opts.Progress, "waiting  %s: pid %d on %s is running it (plan %s); its result will be reused\n", sp.Name, owner.PID, owner.Host, owner.Plan)
			theirs = append(theirs, sp)
			continue
		}
		mine = append(mine, sp)
		s.mu.Lock()
		s.claimed = append(s.claimed, sp.Fingerprint)
		s.mu.Unlock()
	}
	return mine, theirs
}

// releaseAll withdraws the claims left (of runs that never ended).
func (s *sweep) releaseAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fp := range s.claimed {
		s.opts.Tracker.Release(fp)
	}
	s.claimed = nil
}

// await waits for the runs other processes claimed, reuses those they
// logged ok and returns the others, to be run here.
func (s *sweep) await(ctx context.Context, specs []*runner.Spec) ([]*runner.Spec, error) {
	for _, sp := range specs {
		if err := s.opts.Tracker.Wait(ctx, sp.Fingerprint); err != nil {
			return nil, runner.ErrInterrupted
		}
	}
	return s.reuse(specs)
}

// reuse takes the results of specs that an ok run logged since the sweep
// was planned (by another process) and returns the others.
func (s *sweep) reuse(specs []*runner.Spec) ([]*runner.Spec, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	rows, _, err := s.opts.Tracker.Runs()
	if err != nil {
		return nil, err
	}
	done := map[string]*tracker.Row{}
	for i := range rows {
		r := &rows[i]
		if r.Status == string(runner.StatusOK) && r.Fingerprint != "" && (r.Direction == "" || r.Direction == string(s.opts.Plan.Direction)) {
			done[r.Fingerprint] = r
		}
	}
	var left []*runner.Spec
	for _, sp := range specs {
		row := done[sp.Fingerprint]
		if row == nil {
			left = append(left, sp)
			continue
		}
		rec, err := s.opts.Tracker.Details(row.RunID)
		if err != nil {
			left = append(left, sp)
			continue
		}
		rec.LBScore = row.LBScore
		s.opts.Tracker.Release(sp.Fingerprint)
		f := &Finished{Spec: sp, Record: rec, Cached: true}
		s.mu.Lock()
		s.finished[sp.Index] = f
		s.noteScore(f)
		s.report(f)
		s.mu.Unlock()
	}
	return left, nil
}

// sameFile reports whether two looks at a file saw it unchanged.
func sameFile(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

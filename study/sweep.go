package study

import (
	"context"
	"errors"
	"fmt"
	"io"
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
}

// Finished is a run that ended and was committed to the tracker.
type Finished struct {
	Spec   *runner.Spec
	Record *tracker.Record
}

// sweep runs specs and commits every run as it ends.
type sweep struct {
	opts  Options
	specs []*runner.Spec

	mu       sync.Mutex
	stages   []*tracker.Stage
	finished []*Finished
	scores   map[refKey]float64 // ok runs' CV, for the per-run gain
	variants map[string]plan.Variant
}

type refKey struct {
	variant string
	seed    int64
}

// specsOf turns plan runs into runner specs.
func specsOf(p *plan.Plan, runs []plan.RunSpec, workdir string) []*runner.Spec {
	specs := make([]*runner.Spec, len(runs))
	for i, r := range runs {
		specs[i] = &runner.Spec{
			Index: i, Name: r.Name, Plan: p.Name, Variant: r.Variant.Name, Seed: r.Seed,
			Features: r.Variant.Features, Params: p.Params, Command: p.Command,
			Dir: workdir, Env: p.Env, Timeout: p.Timeout, Retries: p.Retries,
		}
	}
	return specs
}

// runSweep runs every spec and returns what finished, in spec order (nil
// for runs that never started). The error is a storage failure or
// runner.ErrInterrupted.
func runSweep(ctx context.Context, opts Options, specs []*runner.Spec) ([]*Finished, error) {
	s := &sweep{
		opts: opts, specs: specs,
		stages:   make([]*tracker.Stage, len(specs)),
		finished: make([]*Finished, len(specs)),
		scores:   map[refKey]float64{},
		variants: map[string]plan.Variant{},
	}
	for _, v := range opts.Plan.Variants() {
		s.variants[v.Name] = v
	}
	_, err := runner.Run(ctx, specs, runner.Options{
		Jobs: opts.Jobs, Executor: opts.Executor, BaseEnv: opts.BaseEnv,
	}, runner.Hooks{Prepare: s.prepare, Finish: s.finish})
	for _, st := range s.stages {
		if st != nil {
			st.Remove() // stages of runs that could not be committed
		}
	}
	return s.finished, err
}

func (s *sweep) prepare(spec *runner.Spec, attempt int) (*runner.Workspace, error) {
	st := s.stages[spec.Index] // each spec is handled by one goroutine
	if st == nil {
		var err error
		if st, err = s.opts.Tracker.NewStage(spec.Name); err != nil {
			return nil, err
		}
		s.stages[spec.Index] = st
	}
	runDir, specPath, err := st.Attempt(attempt)
	if err != nil {
		return nil, err
	}
	return &runner.Workspace{RunDir: runDir, SpecPath: specPath, Log: st.Log()}, nil
}

func (s *sweep) finish(res *runner.Result) error {
	st := s.stages[res.Spec.Index]
	rec := recordOf(s.opts.Plan, s.opts.Source, res)
	files := tracker.Files{Log: st.LogPath}
	for _, a := range res.Artifacts {
		files.Artifacts = append(files.Artifacts, tracker.ArtifactFile{
			Kind: a.Kind, Path: a.Path, Move: a.InRunDir, Info: a.Info,
		})
	}
	cfg, err := configOf(s.opts.Plan, res.Spec)
	if err != nil {
		return err
	}
	files.Config = cfg
	if err := st.CloseLog(); err != nil {
		return fmt.Errorf("close log of %s: %w", res.Spec.Name, err)
	}
	nb, err := s.opts.Tracker.Commit(rec, files)
	if err != nil {
		return fmt.Errorf("could not log run %s: %w", res.Spec.Name, err)
	}
	st.Remove()
	s.stages[res.Spec.Index] = nil

	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished[res.Spec.Index] = &Finished{Spec: res.Spec, Record: rec}
	if rec.Status == string(runner.StatusOK) {
		s.scores[refKey{s.canonical(rec.Variant), res.Spec.Seed}] = *rec.CVScore
	}
	if s.opts.Progress != nil {
		line := s.runLine(rec)
		if d := DeltaText(rec, nb); d != "" {
			line += "  (" + d + ")"
		}
		fmt.Fprintln(s.opts.Progress, line)
	}
	return nil
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

func fmtGain(f float64) string {
	if f == 0 { // no "-0.00000"
		f = 0
	}
	s := fmt.Sprintf("%+.5f", f)
	if s == "-0.00000" {
		s = "+0.00000"
	}
	return s
}

// IsInterrupted reports whether err means the sweep was interrupted.
func IsInterrupted(err error) bool { return errors.Is(err, runner.ErrInterrupted) }

package study

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// Version is recorded in every run's details.
var Version = "dev"

// recordOf builds the tracker record of a finished run.
func recordOf(p *plan.Plan, source string, res *runner.Result) *tracker.Record {
	spec, out := res.Spec, res.Outcome
	seed := spec.Seed
	rec := &tracker.Record{
		Name: spec.Name, Date: out.Start, Source: source,
		Plan: p.Name, PlanFile: p.Path, Competition: p.Competition,
		Variant: spec.Variant, Seed: &seed, Status: string(res.Status), Reason: res.Reason,
		Metric: p.Metric, Direction: string(p.Direction), ModelType: p.Model,
		Features: spec.Features, Params: res.Params, ParamsHash: tracker.ParamsHash(res.Params),
		Workdir: spec.Dir, Env: spec.Env, Signal: out.Signal, TimedOut: out.TimedOut,
		StderrTail: out.StderrTail, OutputBytes: out.OutputBytes, ResultSource: res.ResultSource,
		Attempts: res.Attempts, StartedAt: out.Start, FinishedAt: out.End,
		DurationS: out.Duration().Seconds(), Version: Version,
	}
	if rec.Date.IsZero() {
		rec.Date = time.Now()
	}
	if res.Command.IsShell() {
		rec.ShellCommand = res.Command.Shell
	} else {
		rec.Command = res.Command.Argv
	}
	if out.StartErr == nil && out.Signal == "" && !out.TimedOut && !out.Cancelled && !out.End.IsZero() {
		code := out.ExitCode
		rec.ExitCode = &code
	}
	if tr := res.Trainer; tr != nil {
		rec.CVScores, rec.Metrics, rec.LBScore, rec.Notes = tr.CVScores, tr.Metrics, tr.LBScore, tr.Notes
		if res.Status == runner.StatusOK {
			mean, std := stats.Mean(tr.CVScores), stats.Std(tr.CVScores, 0)
			rec.CVScore, rec.CVStd = &mean, &std
		}
	}
	return rec
}

// resolvedConfig is a run's config, written as a plan of one variant and
// one seed, so that `kxrun run RUN` reproduces the run. The seed comes
// last: what is above it is the same for every seed of a variant.
type resolvedConfig struct {
	Name         string            `yaml:"name"`
	Competition  string            `yaml:"competition,omitempty"`
	Metric       string            `yaml:"metric,omitempty"`
	Direction    string            `yaml:"direction"`
	Model        string            `yaml:"model"`
	Command      any               `yaml:"command"`
	Workdir      string            `yaml:"workdir"`
	Env          map[string]string `yaml:"env,omitempty"`
	Timeout      string            `yaml:"timeout,omitempty"`
	BaseFeatures []string          `yaml:"base_features"`
	Params       map[string]any    `yaml:"params,omitempty"`
	// Inputs are part of the fingerprint: without them, a run again from
	// this config would miss the cache, and miss an edited train.py.
	Inputs []string `yaml:"inputs,omitempty"`
}

// configOf is the resolved config of spec's run. body, when not nil, is
// configBody of the same variant, computed once for all its seeds.
func configOf(p *plan.Plan, spec *runner.Spec, body []byte) ([]byte, error) {
	if body == nil {
		var err error
		if body, err = configBody(p, spec); err != nil {
			return nil, err
		}
	}
	out := fmt.Appendf(nil, "# Resolved config of run %s: variant %s of plan %s (%s), seed %d.\n# Reproduce it with: kxrun run <this file>, or kxrun run <its run id>\n",
		spec.Name, spec.Variant, p.Name, p.Path, spec.Seed)
	out = append(out, body...)
	return fmt.Appendf(out, "seeds:\n    - %d\n", spec.Seed), nil
}

// configBody is the resolved config of spec's variant without its seed.
func configBody(p *plan.Plan, spec *runner.Spec) ([]byte, error) {
	cfg := resolvedConfig{
		Name: p.Name, Competition: p.Competition, Metric: p.Metric,
		Direction: string(p.Direction), Model: p.Model, Workdir: spec.Dir,
		Env: spec.Env, BaseFeatures: spec.Features, Params: spec.Params, Inputs: p.Inputs,
	}
	if p.Command.IsShell() {
		cfg.Command = p.Command.Shell
	} else {
		cfg.Command = p.Command.Argv
	}
	if spec.Timeout > 0 {
		cfg.Timeout = spec.Timeout.String()
	}
	body, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return body, nil
}

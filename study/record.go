package study

import (
	"fmt"
	"slices"
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
		DurationS: out.Duration().Seconds(), Version: Version, Techniques: spec.Techniques, Executor: out.Details,
	}
	if rec.Date.IsZero() {
		rec.Date = time.Now()
	}
	if res.Command.IsShell() {
		rec.ShellCommand = res.Command.Shell
	} else {
		rec.Command = res.Command.Argv
	}
	if out.StartErr == nil && out.Lost == "" && out.Signal == "" && !out.TimedOut && !out.Cancelled && !out.End.IsZero() {
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
	Target       string            `yaml:"target,omitempty"`
	Folds        string            `yaml:"folds,omitempty"`
	// Inputs are part of the fingerprint: without them, a run again from
	// this config would miss the cache, and miss an edited train.py.
	Inputs []string `yaml:"inputs,omitempty"`
	// Techniques are those the run had on, with the plan's params and env
	// above: the config's all variant turns them on again.
	Techniques techniquesYAML `yaml:"techniques,omitempty"`
}

// techniquesYAML writes techniques as a mapping in plan order.
type techniquesYAML []plan.Technique

func (ts techniquesYAML) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, t := range ts {
		var v yaml.Node
		body := struct {
			Params map[string]any    `yaml:"params,omitempty"`
			Env    map[string]string `yaml:"env,omitempty"`
		}{t.Params, t.Env}
		if err := v.Encode(body); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: t.Name}, &v)
	}
	return n, nil
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
		Target: p.Target, Folds: p.Folds,
	}
	if len(spec.Techniques) > 0 {
		// The plan's own params and env, and the techniques that change
		// them, rather than the merged result: the config's variant all
		// then has the same techniques on, and the same fingerprint.
		cfg.Params, cfg.Env = p.Params, p.Env
		for _, t := range p.Techniques {
			if slices.Contains(spec.Techniques, t.Name) {
				cfg.Techniques = append(cfg.Techniques, t)
			}
		}
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

// manualConfig is the config of a run logged with kxrun log: what is known
// of it as a plan, the features and params above all. kxrun did not run
// it and has no command for it: the user adds one to run it again.
func manualConfig(rec *tracker.Record) ([]byte, error) {
	cfg := struct {
		Name        string         `yaml:"name"`
		Competition string         `yaml:"competition,omitempty"`
		Metric      string         `yaml:"metric,omitempty"`
		Direction   string         `yaml:"direction"`
		Model       string         `yaml:"model"`
		Features    []string       `yaml:"base_features"`
		Params      map[string]any `yaml:"params,omitempty"`
		Seeds       []int64        `yaml:"seeds,omitempty"`
	}{Name: plan.SafeName(rec.Name), Competition: rec.Competition, Metric: rec.Metric,
		Direction: rec.Direction, Model: rec.ModelType, Features: rec.Features, Params: rec.Params}
	if len(cfg.Params) == 0 {
		cfg.Params = nil
	}
	if rec.Seed != nil {
		cfg.Seeds = []int64{*rec.Seed}
	}
	body, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	out := fmt.Appendf(nil, "# Config of run %s, logged with kxrun log: its features and params as a plan.\n# kxrun did not run it: add how to run the trainer, e.g. command: [python3, train.py, --seed, \"{seed}\"],\n# then kxrun run <this file> runs it.\n", rec.Name)
	return append(out, body...), nil
}

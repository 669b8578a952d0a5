package plan

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Executors a plan can name.
const (
	ExecutorLocal = "local"
	ExecutorSlurm = "slurm"
)

// Slurm modes: one job array per batch of runs, or a few worker jobs that
// take runs from a queue.
const (
	SlurmArray   = "array"
	SlurmWorkers = "workers"
)

// DefaultSlurmPoll is how often the Slurm executor asks squeue about its
// jobs, when the plan does not say.
const DefaultSlurmPoll = 5 * time.Second

// Slurm is the plan's slurm block: how runs are submitted to a Slurm
// cluster. Empty strings and zero numbers leave Slurm's defaults.
type Slurm struct {
	Partition   string
	Time        string // Slurm's time limit format: minutes, MM:SS, HH:MM:SS, D-HH[:MM[:SS]]
	CPUsPerTask int
	Mem         string
	Gres        string // e.g. gpu:1, per run (array) or per worker (workers)
	Account     string
	QOS         string
	Constraint  string
	ExtraArgs   []string // passed to sbatch as they are
	Mode        string   // SlurmArray (default) or SlurmWorkers
	Workers     int      // worker jobs in workers mode; 0 = the plan's jobs
	Poll        time.Duration
}

var slurmKeys = []string{
	"partition", "time", "cpus_per_task", "mem", "gres", "account", "qos",
	"constraint", "extra_args", "mode", "workers", "poll",
}

// slurmTime is the syntax sbatch --time accepts.
var slurmTime = regexp.MustCompile(`^([0-9]+(:[0-9]+){0,2}|[0-9]+-[0-9]+(:[0-9]+){0,2})$`)

func (d *decoder) executor(p *Plan, k, v *yaml.Node) {
	s, ok := d.str("executor", v)
	if !ok {
		return
	}
	switch s {
	case ExecutorLocal, ExecutorSlurm:
		p.Executor = s
	default:
		d.errorf(v, "executor: local (the default) or executor: slurm", "executor: unknown executor %q", s)
	}
}

func (d *decoder) slurm(p *Plan, k, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "for example slurm: {partition: gpu, time: \"2:00:00\", gres: \"gpu:1\"}", "slurm: want a mapping of settings, got %s", describe(v))
		return
	}
	s := &Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}
	for _, kv := range d.mapping(v, "slurm", nil) {
		if !slices.Contains(slurmKeys, kv.name) {
			d.unknownKey(kv.key, "slurm", kv.name, slurmKeys)
			continue
		}
		if isNull(kv.value) {
			continue
		}
		field := "slurm." + kv.name
		switch kv.name {
		case "partition":
			s.Partition = d.sbatchWord(field, kv.value)
		case "time":
			s.Time = d.sbatchWord(field, kv.value)
			if s.Time != "" && !slurmTime.MatchString(s.Time) {
				d.errorf(kv.value, `minutes ("90"), "MM:SS", "HH:MM:SS" or "D-HH:MM:SS"; quote it in YAML`, "%s: %q is not a Slurm time limit", field, s.Time)
			}
		case "cpus_per_task":
			s.CPUsPerTask = d.atLeast(field, kv.value, 1)
		case "mem":
			s.Mem = d.sbatchWord(field, kv.value)
		case "gres":
			s.Gres = d.sbatchWord(field, kv.value)
		case "account":
			s.Account = d.sbatchWord(field, kv.value)
		case "qos":
			s.QOS = d.sbatchWord(field, kv.value)
		case "constraint":
			s.Constraint = d.sbatchWord(field, kv.value)
		case "extra_args":
			if !d.seq(field, "strings", `["--exclusive"]`, kv.value) {
				continue
			}
			for _, e := range kv.value.Content {
				if a, ok := d.str(field, resolve(e)); ok {
					s.ExtraArgs = append(s.ExtraArgs, a)
				}
			}
		case "mode":
			m, _ := d.str(field, kv.value)
			switch m {
			case SlurmArray, SlurmWorkers:
				s.Mode = m
			default:
				d.errorf(kv.value, "array (one job array per batch of runs) or workers (a few jobs that take runs from a queue)", "%s: unknown mode %q", field, m)
			}
		case "workers":
			s.Workers = d.atLeast(field, kv.value, 1)
		case "poll":
			f, ok := d.float(field, kv.value)
			if !ok {
				continue
			}
			if !(f > 0) || math.IsInf(f, 0) || f > 3600 {
				d.errorf(kv.value, "seconds between two squeue calls, e.g. 5", "%s must be a number of seconds between 0 and 3600, got %s", field, kv.value.Value)
				continue
			}
			s.Poll = time.Duration(f * float64(time.Second))
		}
	}
	p.Slurm = s
}

// SlurmSettings is the plan's slurm block, or the defaults when it has none.
func (p *Plan) SlurmSettings() Slurm {
	if p.Slurm != nil {
		return *p.Slurm
	}
	return Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}
}

// sbatchWord reads a string passed to sbatch as one option value.
func (d *decoder) sbatchWord(field string, n *yaml.Node) string {
	s, ok := d.str(field, n)
	if !ok {
		return ""
	}
	if strings.ContainsAny(s, "\x00\n") {
		d.errorf(n, "", "%s: the value contains a newline or NUL byte", field)
		return ""
	}
	return strings.TrimSpace(s)
}

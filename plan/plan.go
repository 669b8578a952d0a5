package plan

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Direction says whether a higher or a lower metric is better.
type Direction string

// The two directions a metric can be optimised in.
const (
	Maximize Direction = "maximize"
	Minimize Direction = "minimize"
)

// Better reports whether score a is better than b in this direction.
// Any direction other than Minimize counts as Maximize. NaN is never better
// than anything and any number is better than NaN, so a NaN score (a failed
// or diverged run) never wins.
func (d Direction) Better(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return false
	case math.IsNaN(b):
		return true
	case d == Minimize:
		return a < b
	default:
		return a > b
	}
}

// Sign is +1 for maximize, -1 for minimize: gain = Sign * (score - reference),
// so a positive gain is always an improvement.
func (d Direction) Sign() float64 {
	if d == Minimize {
		return -1
	}
	return 1
}

// Group is a named set of features that the ablation adds or removes as a
// whole.
type Group struct {
	Name     string
	Features []string
}

// Plan is a validated experiment plan. Fields hold the plan's values with
// the documented defaults applied.
type Plan struct {
	Path         string // as given to Load (or the file name given to Parse)
	Name         string // from the plan, else derived from the file name
	Competition  string
	Metric       string // a label; the trainer computes the scores
	Direction    Direction
	Model        string // recorded as each run's model_type
	Command      Command
	Workdir      string            // as written; "" means the caller's working directory
	Env          map[string]string // nil when absent or empty
	Jobs         int               // runs at once; 0 = not set in the plan
	Timeout      time.Duration     // per run; 0 = none
	Retries      int               // extra attempts for a failed run
	Seeds        []int64           // never empty
	BaseFeatures []string
	Groups       []Group        // in plan order
	Techniques   []Technique    // in plan order
	Params       map[string]any // JSON-compatible values; nil when absent or empty
	Alpha        float64        // significance level, 0 < Alpha < 1
	MinGain      float64        // smallest gain the user cares about, > 0
	SeedStdWarn  float64        // seed standard deviation worth a warning, > 0
	Inputs       []string       // files whose content is part of a run's fingerprint
	Target       string         // labels of the OOF rows (.npy, relative to the workdir), for trainers that do not report them
	Folds        string         // the fold index of each OOF row (.npy, relative to the workdir)
	GPUs         []int
	PerGPU       int       // runs sharing one GPU, >= 1
	Adaptive     *Adaptive // adaptive: settings; nil when absent
	Executor     string    // ExecutorLocal or ExecutorSlurm; "" = not set (local)
	Slurm        *Slurm    // the slurm block, nil when absent
	Warnings     []*Error  // problems that do not stop the plan from running
	// MinGainSet is whether the plan gives min_gain (MinGain is otherwise
	// DefaultMinGain); a seed study then picks a default on the score's
	// scale.
	MinGainSet bool
}

// Defaults for keys the plan leaves out.
const (
	DefaultDirection   = Maximize
	DefaultModel       = "model"
	DefaultSeed        = int64(42)
	DefaultAlpha       = 0.05
	DefaultMinGain     = 0.001
	DefaultSeedStdWarn = 0.005
	DefaultPerGPU      = 1
)

// maxPlanSize bounds what Load reads: a plan is a small hand-written file,
// and a multi-gigabyte argument is far more likely a data file given by
// mistake than a plan.
const maxPlanSize = 16 << 20

// Load reads and parses the plan file at path. Problems in the plan come
// back as a *ErrorList; failing to read the file gives an error wrapping the
// fs error ("read plan: ...").
func Load(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if len(data) > maxPlanSize {
		return nil, &ErrorList{{File: path, Msg: fmt.Sprintf("file is larger than %d MiB; is it really a plan?", maxPlanSize>>20)}}
	}
	return Parse(path, data)
}

// Parse parses and validates a plan held in data. file names the plan in
// messages and, when the plan has no name, gives its default name.
// Problems come back as a *ErrorList.
func Parse(file string, data []byte) (*Plan, error) {
	d := &decoder{file: file}
	p := d.decode(data)
	if len(d.errs) > 0 {
		return nil, d.errorList()
	}
	p.Path = file
	sortByPosition(d.warns)
	p.Warnings = d.warns
	return p, nil
}

// validName reports whether s may be used as a plan, model or group name:
// such names end up in file names, so only a portable set of characters is
// allowed, and "." and ".." are out because they mean directories.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}

// SafeName makes s usable as a plan name, replacing what a name may not
// hold with '_'.
func SafeName(s string) string { return sanitizeName(s) }

// sanitizeName turns s into a valid name by replacing every character that
// is not allowed with '_'; it falls back to "plan" when nothing usable is
// left.
func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && nameByte(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if !validName(out) {
		return "plan"
	}
	return out
}

// nameFromFile is the default plan name: the file name without extension,
// made safe for file names.
func nameFromFile(file string) string {
	base := filepath.Base(file)
	if base == "." || base == string(filepath.Separator) {
		return "plan"
	}
	return sanitizeName(strings.TrimSuffix(base, filepath.Ext(base)))
}

package tracker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Record is the full account of one run, stored as details/<run_id>.json.
type Record struct {
	RunID        string               `json:"run_id"`
	Number       int                  `json:"number"`
	Name         string               `json:"name"`
	Date         time.Time            `json:"date"`
	Source       string               `json:"source"` // what logged it: ablation, run, log, ...
	Plan         string               `json:"plan,omitempty"`
	PlanFile     string               `json:"plan_file,omitempty"`
	Competition  string               `json:"competition,omitempty"`
	Variant      string               `json:"variant,omitempty"`
	Seed         *int64               `json:"seed"`
	Status       string               `json:"status"`
	Reason       string               `json:"reason,omitempty"`
	Metric       string               `json:"metric,omitempty"`
	Direction    string               `json:"direction"`
	ModelType    string               `json:"model_type"`
	Features     []string             `json:"features"`
	Params       map[string]any       `json:"params"`
	ParamsHash   string               `json:"params_hash"`
	Metrics      map[string]float64   `json:"metrics,omitempty"`
	CVScores     []float64            `json:"cv_scores"`
	CVScore      *float64             `json:"cv_score"`
	CVStd        *float64             `json:"cv_std"`
	LBScore      *float64             `json:"lb_score"`
	Notes        string               `json:"notes,omitempty"`
	Command      []string             `json:"command,omitempty"`       // argv as run
	ShellCommand string               `json:"shell_command,omitempty"` // string command as run by /bin/sh -c
	Workdir      string               `json:"workdir,omitempty"`
	Env          map[string]string    `json:"env,omitempty"` // the plan's env only, never the inherited one
	ExitCode     *int                 `json:"exit_code,omitempty"`
	Signal       string               `json:"signal,omitempty"`
	TimedOut     bool                 `json:"timed_out,omitempty"`
	StderrTail   string               `json:"stderr_tail,omitempty"`
	OutputBytes  int64                `json:"output_bytes,omitempty"`
	ResultSource string               `json:"result_source,omitempty"`
	Attempts     int                  `json:"attempts,omitempty"`
	StartedAt    time.Time            `json:"started_at"`
	FinishedAt   time.Time            `json:"finished_at"`
	DurationS    float64              `json:"duration_s"`
	Artifacts    map[string]*Artifact `json:"artifacts,omitempty"` // by kind: oof, test
	Log          string               `json:"log,omitempty"`       // relative to the tracker directory
	Config       string               `json:"config,omitempty"`    // older trackers: the file of the resolved config
	// ResolvedConfig is the plan of one variant and one seed that the run
	// was made from, as YAML: `kxrun run RUN` runs it again.
	ResolvedConfig string            `json:"resolved_config,omitempty"`
	Version        string            `json:"kxrun_version,omitempty"`
	ImportedFrom   *ImportOrigin     `json:"imported_from,omitempty"`
	Fingerprint    string            `json:"fingerprint,omitempty"`
	Inputs         map[string]string `json:"inputs,omitempty"` // sha256 of each file in the plan's inputs
	GPU            *int              `json:"gpu,omitempty"`    // the GPU slot the run was given
	// Techniques are the plan techniques the run had on, in plan order.
	Techniques []string `json:"techniques,omitempty"`
}

// ImportOrigin records where an imported run came from.
type ImportOrigin struct {
	Dir   string `json:"dir"`
	RunID string `json:"run_id"`
	Key   string `json:"key"` // identifies the run across imports
}

// Artifact describes a prediction array kept by the tracker.
type Artifact struct {
	Path         string `json:"path"`   // relative to the tracker directory
	Source       string `json:"source"` // where the trainer wrote it
	Descr        string `json:"descr"`
	Dtype        string `json:"dtype"`
	Shape        []int  `json:"shape"`
	FortranOrder bool   `json:"fortran_order"`
	Bytes        int64  `json:"bytes"`
	SHA256       string `json:"sha256"`
}

// FormatID is the run id of run number n.
func FormatID(n int) string { return fmt.Sprintf("run_%03d", n) }

// ParseID accepts "run_012", "run_12" or "12".
func ParseID(s string) (int, bool) {
	s = strings.TrimPrefix(s, "run_")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// ParamsHash is a short stable hash of params (JSON with sorted keys).
func ParamsHash(params map[string]any) string {
	if params == nil {
		params = map[string]any{}
	}
	data, err := json.Marshal(params)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

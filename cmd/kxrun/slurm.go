package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/tracker"
)

// newSlurmExecutor sets up the Slurm executor of a sweep: its exchange
// directory in the tracker, and the kxrun program its jobs run.
func newSlurmExecutor(tr *tracker.Tracker, p *plan.Plan, jobs int) (runner.Executor, func(), error) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return nil, nil, usagef("run kxrun where sbatch works (a login node of the cluster), or use --executor local",
			"executor slurm: sbatch is not on PATH")
	}
	self, err := selfPath()
	if err != nil {
		return nil, nil, err
	}
	x, err := tr.NewExchange()
	if err != nil {
		return nil, nil, err
	}
	s := &runner.Slurm{
		Settings: p.SlurmSettings(), Jobs: jobs, Name: "kxrun-" + p.Name, Exchange: x, Kxrun: self, Timeout: p.Timeout,
		// The directory the jobs are told to use, when the nodes see the
		// tracker at another path than this machine.
		JobDir: os.Getenv("KXRUN_SLURM_JOB_DIR"),
	}
	return s, func() { s.Close(); x.Remove() }, nil
}

// selfPath is this kxrun program, as the path it was started by (a
// symlink stays one: it may be what the nodes can reach).
func selfPath() (string, error) {
	if path, err := exec.LookPath(os.Args[0]); err == nil {
		if abs, err := filepath.Abs(path); err == nil {
			return abs, nil
		}
	}
	path, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("executor slurm: find the kxrun program for the jobs to run: %w", err)
	}
	return path, nil
}

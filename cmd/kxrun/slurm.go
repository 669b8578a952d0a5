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

// checkSlurm refuses what cannot go to Slurm, before anything is written;
// a dry run needs no sbatch.
func checkSlurm(gpus []int, dryRun bool) error {
	if len(gpus) > 0 {
		return usagef(`on Slurm ask for GPUs with slurm: {gres: "gpu:1"} and drop gpus`, "gpus shares this machine's GPUs out: it does not apply to executor slurm")
	}
	if _, err := exec.LookPath("sbatch"); err != nil && !dryRun {
		return usagef("run kxrun where sbatch works (a login node of the cluster), or use --executor local",
			"executor slurm: sbatch is not on PATH")
	}
	return nil
}

// newSlurmExecutor sets up the Slurm executor of a sweep: its exchange
// directory in the tracker, and the kxrun program its jobs run.
func newSlurmExecutor(tr *tracker.Tracker, p *plan.Plan, jobs int) (runner.Executor, func(), error) {
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

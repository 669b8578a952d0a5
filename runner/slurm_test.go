package runner

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/plan"
)

// dirOnly is an exchange of which sbatchArgs needs only the paths.
type dirOnly struct{ Exchange }

func (dirOnly) Root() string        { return "/shared/exp/.work/9-slurm1" }
func (dirOnly) SlurmOutput() string { return "/shared/exp/.work/9-slurm1/slurm/%A_%a.out" }

func TestSbatchArgs(t *testing.T) {
	base := []string{"--parsable", "--job-name=kxrun-p", "--output=/shared/exp/.work/9-slurm1/slurm/%A_%a.out", "--chdir=/shared/exp/.work/9-slurm1"}
	every := plan.Slurm{
		Partition: "gpu", Time: "2:00:00", CPUsPerTask: 4, Mem: "16G", Gres: "gpu:1", Account: "lab",
		QOS: "short", Constraint: "a100", ExtraArgs: []string{"--exclusive", "--nice=5"},
	}
	for _, c := range []struct {
		name    string
		st      plan.Slurm
		timeout time.Duration
		array   bool
		want    []string
	}{
		{"defaults", plan.Slurm{}, 0, true, base},
		{"every setting", every, 0, true, append(append([]string{}, base...),
			"--partition=gpu", "--time=2:00:00", "--mem=16G", "--gres=gpu:1", "--account=lab", "--qos=short",
			"--constraint=a100", "--cpus-per-task=4", "--exclusive", "--nice=5")},
		// The time limit of an array task follows the plan's timeout, in
		// whole minutes and one more, so that kxrun's own timer goes first.
		{"limit from timeout", plan.Slurm{}, 90 * time.Second, true, append(append([]string{}, base...), "--time=3")},
		{"exact minutes", plan.Slurm{}, 2 * time.Minute, true, append(append([]string{}, base...), "--time=3")},
		{"time wins", plan.Slurm{Time: "10"}, time.Hour, true, append(append([]string{}, base...), "--time=10")},
		// A worker runs many runs: the timeout says nothing of its limit.
		{"worker", plan.Slurm{Mode: plan.SlurmWorkers}, time.Hour, false, base},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Slurm{Settings: c.st, Name: "kxrun-p", Exchange: dirOnly{}, Timeout: c.timeout}
			if diff := cmp.Diff(c.want, s.sbatchArgs(c.array)); diff != "" {
				t.Errorf("sbatch arguments (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTerminalStates(t *testing.T) {
	for state, want := range map[string]bool{
		"PENDING": false, "RUNNING": false, "COMPLETING": false, "CONFIGURING": false, "SUSPENDED": false,
		"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true, "NODE_FAIL": true,
		"PREEMPTED": true, "OUT_OF_MEMORY": true, "BOOT_FAIL": true, "DEADLINE": true,
	} {
		if got := terminal(state); got != want {
			t.Errorf("terminal(%s) = %v, want %v", state, got, want)
		}
	}
}

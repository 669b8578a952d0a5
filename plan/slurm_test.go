package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSlurm(t *testing.T) {
	const head = "command: [python3, train.py]\nbase_features: [a]\n"
	for _, c := range []struct {
		name, text string
		executor   string
		want       Slurm
	}{
		{"absent", "", "", Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}},
		{"executor only", "executor: slurm\n", ExecutorSlurm, Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}},
		{"local", "executor: local\n", ExecutorLocal, Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}},
		{"every key", `executor: slurm
slurm:
  partition: gpu
  time: "1-02:30:00"
  cpus_per_task: 4
  mem: 16G
  gres: "gpu:1"
  account: lab
  qos: short
  constraint: a100
  extra_args: ["--exclusive", "--nice=10"]
  mode: workers
  workers: 3
  poll: 2.5
`, ExecutorSlurm, Slurm{
			Partition: "gpu", Time: "1-02:30:00", CPUsPerTask: 4, Mem: "16G", Gres: "gpu:1", Account: "lab",
			QOS: "short", Constraint: "a100", ExtraArgs: []string{"--exclusive", "--nice=10"},
			Mode: SlurmWorkers, Workers: 3, Poll: 2500 * time.Millisecond,
		}},
		{"minutes", "slurm: {time: 90}\n", "", Slurm{Time: "90", Mode: SlurmArray, Poll: DefaultSlurmPoll}},
		{"null values", "slurm: {partition: null, mode: null}\n", "", Slurm{Mode: SlurmArray, Poll: DefaultSlurmPoll}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustParse(t, "p.yaml", head+c.text)
			if p.Executor != c.executor {
				t.Errorf("executor %q, want %q", p.Executor, c.executor)
			}
			if diff := cmp.Diff(c.want, p.SlurmSettings()); diff != "" {
				t.Errorf("slurm settings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSlurmErrors(t *testing.T) {
	const head = "command: [python3, train.py]\nbase_features: [a]\n"
	for _, c := range []struct{ name, text, want string }{
		{"unknown executor", "executor: slrum\n", `p.yaml:3:11: executor: unknown executor "slrum"`},
		{"executor not a string", "executor: [slurm]\n", "p.yaml:3:11: executor: want a string"},
		{"not a mapping", "slurm: gpu\n", "p.yaml:3:8: slurm: want a mapping of settings"},
		{"unknown key", "slurm:\n  partiton: gpu\n", `p.yaml:4:3: slurm: unknown key "partiton"` + "\n  hint: did you mean \"partition\"?"},
		{"bad time", "slurm:\n  time: 2h\n", `p.yaml:4:9: slurm.time: "2h" is not a Slurm time limit`},
		{"bad mode", "slurm:\n  mode: worker\n", `p.yaml:4:9: slurm.mode: unknown mode "worker"`},
		{"workers 0", "slurm:\n  workers: 0\n", "p.yaml:4:12: slurm.workers must be at least 1, got 0"},
		{"cpus not int", "slurm:\n  cpus_per_task: two\n", "p.yaml:4:18: slurm.cpus_per_task: want an integer"},
		{"poll 0", "slurm:\n  poll: 0\n", "p.yaml:4:9: slurm.poll must be a number of seconds between 0 and 3600, got 0"},
		{"extra_args not a list", "slurm:\n  extra_args: --exclusive\n", "p.yaml:4:15: slurm.extra_args: want a list of strings"},
		{"newline", "slurm:\n  partition: \"a\\nb\"\n", "p.yaml:4:14: slurm.partition: the value contains a newline"},
		{"twice", "slurm:\n  mem: 1G\n  mem: 2G\n", `p.yaml:5:3: slurm: key "mem" is set twice (lines 4 and 5)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(head+c.text))
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, c.want)
			}
		})
	}
}

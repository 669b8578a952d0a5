package reliability

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSecrets runs every kind of kxrun command with secrets in the
// environment kxrun inherits, and checks that no file of the tracker holds
// them: only the plan's own env is recorded. A trainer that prints a
// secret is the exception the docs spell out: its output is kept.
func TestSecrets(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 6, "6. secrets in the environment")
	root := t.TempDir()
	exp := filepath.Join(root, "exp")
	secret := fmt.Sprintf("secret-value-%d", time.Now().UnixNano())
	env := []string{"KAGGLE_KEY=" + secret, "KAGGLE_USERNAME=user-" + secret, "AWS_SECRET_ACCESS_KEY=aws-" + secret, "HF_TOKEN=hf_" + secret}
	planEnv := map[string]string{"OMP_NUM_THREADS": "1", "MY_SETTING": "visible"}

	write := func(name, mode string) string {
		path := filepath.Join(root, name+".yaml")
		text := fmt.Sprintf("name: %s\ncompetition: c\ncommand: [%s, %s]\nseeds: [1, 2]\nbase_features: [a]\nfeature_groups:\n  g: [b]\nenv: {OMP_NUM_THREADS: \"1\", MY_SETTING: visible}\ninputs: [%s.yaml]\n",
			name, trainerBin, mode, name)
		os.WriteFile(path, []byte(text), 0o644)
		return path
	}
	ok, failing, shell := write("sec", "secret-check"), write("secfail", "exit"), filepath.Join(root, "shell.yaml")
	os.WriteFile(shell, []byte("name: shellsec\ncommand: \""+trainerBin+" secret-check $KAGGLE_KEY {features}\"\nseeds: [1]\nbase_features: [a]\n"), 0o644)
	npy := filepath.Join(root, "oof.npy")
	writeNpy(npy, 10, 0)
	commands := [][]string{
		{"ablation", ok}, {"ablation", failing}, {"run", shell}, {"run", ok, "--variant", "base"},
		{"log", "--name", "manual", "--cv", "0.5,0.6", "--oof", npy, "--params", `{"a": 1}`},
		{"lb", "run_001", "0.5"}, {"archive", "run_002"}, {"baseline", "run_001"},
		{"report"}, {"report", "--json"}, {"show", "run_001"}, {"compare", "run_001", "run_003"}, {"status"},
		{"ablation", ok, "--dry-run"}, {"oof", "run_001"},
	}
	var problems []string
	for _, c := range commands {
		o := kxrun(t, root, env, append(c, "--dir", exp)...)
		s.peak(o.peakKB)
		if o.code != 0 && !(c[0] == "ablation" && c[1] == failing && o.code == 1) {
			problems = append(problems, fmt.Sprintf("%v: %s", c, o))
		}
		if strings.Contains(o.stdout+o.stderr, secret) {
			problems = append(problems, fmt.Sprintf("%v printed a secret", c))
		}
	}

	// Every byte of every file in the tracker.
	files := 0
	filepath.WalkDir(exp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			problems = append(problems, err.Error())
		} else if bytes.Contains(data, []byte(secret)) {
			problems = append(problems, "a secret is in "+p)
		}
		return nil
	})
	st, ps := checkTracker(exp)
	problems = append(problems, ps...)
	trainerSaw := 0
	for id, d := range st.details {
		if strings.HasPrefix(st.byID[id]["name"], "sec_") || strings.HasPrefix(st.byID[id]["name"], "secfail_") {
			if !maps.Equal(d.Env, planEnv) {
				problems = append(problems, fmt.Sprintf("%s records env %v, want the plan's %v", id, d.Env, planEnv))
			}
		}
		if st.byID[id]["notes"] == "the trainer saw KAGGLE_KEY" {
			trainerSaw++
		}
	}
	if trainerSaw == 0 {
		problems = append(problems, "no trainer saw KAGGLE_KEY: the test proves nothing")
	}
	s.trial(problems)

	// The one place a secret can land: what a trainer itself prints.
	leaky := write("leaky", "leak-secret")
	kxrun(t, root, env, "run", leaky, "--dir", exp)
	var where []string
	filepath.WalkDir(exp, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(secret)) {
				rel, _ := filepath.Rel(exp, p)
				where = append(where, filepath.Dir(rel))
			}
		}
		return nil
	})
	slices.Sort(where)
	where = slices.Compact(where)
	s.note("%d commands (ablation, run of a string command naming $KAGGLE_KEY, log, lb, archive, baseline, report, show, compare, status, dry run, oof) with 4 secret variables set: no secret in any of the %d files of the tracker; details record only the plan's env. A trainer that prints a secret itself has it kept in: %s",
		len(commands), files, strings.Join(where, ", "))
}

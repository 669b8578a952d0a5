package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHostileArgs feeds kxrun hostile plans, names and run references:
// slashes, dot-dots, NUL, unicode, very long names, shell syntax in feature
// names of a string command. Nothing may panic, write outside the tracker
// or run as shell code. The long form also fuzzes the result parser and the
// plan decoder.
func TestHostileArgs(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 5, "5. hostile plans and arguments")
	root := t.TempDir()
	work := filepath.Join(root, "work")
	exp := filepath.Join(work, "exp")
	os.Mkdir(work, 0o755)
	const pwned = "/tmp/pwned"
	os.Remove(pwned)
	before := listFiles(root)
	tmpBefore := topLevel("/tmp")
	longName := strings.Repeat("n", 5000)

	type tc struct {
		what  string
		args  []string
		plan  string // plan text; {T} is the trainer; written to plan.yaml and passed as PLAN
		sweep string // the command a plan is given to: run (default) or ablation
		code  string // allowed exit statuses, a regexp
		out   string // a regexp stderr or stdout must match
	}
	plan := func(name, groups, features string) string {
		return fmt.Sprintf("name: %s\ncommand: \"{T} echo-args {features} {variant}\"\nseeds: [1]\nbase_features: [%s]\n%s", name, features, groups)
	}
	hostileFeatures := `'$(touch /tmp/pwned)', '` + "`touch pwned2`" + `', "'; touch pwned3; '", '"$(touch pwned4)"', 'a b', 'é/../x', '--flag', '{seed}', '../../etc/passwd'`
	cases := []tc{
		{what: "shell syntax in feature names of a string command", plan: plan("inject", "", hostileFeatures), code: "^0$"},
		{what: "plan name with a slash", plan: plan("a/b", "", "x"), code: "^2$", out: `not usable in file names`},
		{what: "plan name ..", plan: plan(`".."`, "", "x"), code: "^2$", out: `not usable in file names`},
		{what: "plan name in unicode", plan: plan("é中文", "", "x"), code: "^2$", out: `not usable in file names`},
		{what: "plan name with NUL", plan: plan(`"a\0b"`, "", "x"), code: "^2$"},
		{what: "plan name of 5,000 characters", plan: plan(longName, "", "x"), code: "^0$"},
		{what: "ablation of a plan named with 250 characters", plan: plan(longName[:250], "feature_groups:\n  g: [y]\n", "x"), sweep: "ablation", code: "^0$"},
		{what: "group name with a slash", plan: plan("g1", "feature_groups:\n  a/b: [y]\n", "x"), code: "^2$", out: `not usable in`},
		{what: "group name ..", plan: plan("g2", "feature_groups:\n  '..': [y]\n", "x"), code: "^2$"},
		{what: "group name in unicode", plan: plan("g3", "feature_groups:\n  é: [y]\n", "x"), code: "^2$"},
		{what: "group name of 300 characters", plan: plan("g4", "feature_groups:\n  "+strings.Repeat("g", 300)+": [y]\n", "x"), code: "^0$"},
		{what: "feature with NUL", plan: plan("f1", "", `"a\0b"`), code: "^2$", out: `control character`},
		{what: "feature with a newline", plan: plan("f2", "", `"a\nb"`), code: "^2$", out: `line break`},
		{what: "log --name with slashes", args: []string{"log", "--name", "../../../../tmp/evil/x", "--cv", "0.5"}, code: "^0$"},
		{what: "log --name in unicode", args: []string{"log", "--name", "é中文 🙂", "--cv", "0.5"}, code: "^0$"},
		{what: "log --name of 100,000 characters", args: []string{"log", "--name", strings.Repeat("é", 50000), "--cv", "0.5"}, code: "^0$"},
		{what: "log --model with slashes", args: []string{"log", "--name", "m", "--model", "../../../../tmp/evil", "--cv", "0.5", "--oof", "{NPY}"}, code: "^0$"},
		{what: "log --model of 1,000 characters", args: []string{"log", "--name", "m2", "--model", strings.Repeat("m", 1000), "--cv", "0.5", "--oof", "{NPY}"}, code: "^0$"},
		{what: "log --notes with control characters", args: []string{"log", "--name", "n", "--notes", "a\x1b[31m\r\nb\x07", "--cv", "0.5"}, code: "^0$"},
		{what: "log --features from a file with NUL", args: []string{"log", "--name", "f", "--features", "@{NULFILE}", "--cv", "0.5"}, code: "^[02]$"},
	}
	for _, ref := range []string{"../../etc/passwd", "/etc/passwd", "run_-1", "run_99999999999999999999999", "-5", "é", strings.Repeat("r", 100000), " ", "run_"} {
		for _, cmd := range [][]string{{"lb", ref, "0.5"}, {"show", ref}, {"archive", ref}, {"oof", ref}, {"compare", ref, "run_001"}, {"baseline", ref}} {
			cases = append(cases, tc{what: fmt.Sprintf("%s %.20q", cmd[0], ref), args: cmd, code: "^2$", out: `no run|names \d+ runs|takes|unknown|Error`})
		}
	}

	npy := filepath.Join(work, "oof.npy")
	writeNpy(npy, 10, 0)
	nulFile := filepath.Join(work, "features.txt")
	os.WriteFile(nulFile, []byte("a\x00b\nc"), 0o644)
	for i, c := range cases {
		var problems []string
		args := c.args
		if c.plan != "" {
			path := filepath.Join(work, fmt.Sprintf("plan%d.yaml", i))
			os.WriteFile(path, []byte(strings.ReplaceAll(c.plan, "{T}", trainerBin)), 0o644)
			args = []string{"run", path}
			if c.sweep != "" {
				args[0] = c.sweep
			}
		}
		for j := range args {
			args[j] = strings.NewReplacer("{NPY}", npy, "{NULFILE}", nulFile).Replace(args[j])
		}
		o := kxrun(t, work, nil, append(args, "--dir", exp)...)
		s.peak(o.peakKB)
		if !regexp.MustCompile(c.code).MatchString(fmt.Sprint(o.code)) {
			problems = append(problems, fmt.Sprintf("%s: want exit status %s, got %s", c.what, c.code, o))
		}
		if c.out != "" && !regexp.MustCompile(c.out).MatchString(o.stdout+o.stderr) {
			problems = append(problems, fmt.Sprintf("%s: output does not match %q: %s", c.what, c.out, o))
		}
		if strings.Contains(o.stderr, "panic") || strings.Contains(o.stderr, "goroutine ") {
			problems = append(problems, fmt.Sprintf("%s: panic: %s", c.what, o.stderr))
		}
		if c.what == "shell syntax in feature names of a string command" && o.code == 0 {
			problems = append(problems, checkInjection(exp, work)...)
		}
		s.trial(problems)
	}

	// Nothing outside the tracker, and no shell ran a feature name.
	var problems []string
	for _, p := range newFiles(root, before, exp, work) {
		problems = append(problems, "file written outside the tracker: "+p)
	}
	workFiles, _ := os.ReadDir(work)
	for _, e := range workFiles {
		if !regexp.MustCompile(`^(plan\d+\.yaml|oof\.npy|features\.txt|exp)$`).MatchString(e.Name()) {
			problems = append(problems, "file written in the working directory: "+e.Name())
		}
	}
	for p := range topLevel("/tmp") {
		if !tmpBefore[p] && regexp.MustCompile(`pwned|evil`).MatchString(p) {
			problems = append(problems, "file written in /tmp: "+p)
		}
	}
	st, ps := checkTracker(exp)
	problems = append(problems, ps...)
	problems = append(problems, pandasProblems(s, st)...)
	s.trial(problems)

	// A file named kxrun in the working directory (the binary itself, say).
	s.trial(binaryInWorkdir(t, root))

	fuzzed := ""
	if long {
		for _, f := range []struct{ pkg, name string }{{"./runner/", "FuzzParseResult"}, {"./plan/", "FuzzParse"}} {
			n, problem := fuzz(t, f.pkg, f.name, 60*time.Second)
			if problem != "" {
				s.trial([]string{problem})
			}
			fuzzed += fmt.Sprintf("; `go test -fuzz %s` ran %s inputs for 60 s with no failure", f.name, n)
		}
	}
	s.note("%d hostile plans and command lines, a check that nothing was written outside the tracker and no shell ran a feature name, and kxrun run beside a file named kxrun%s", len(cases), fuzzed)
}

// checkInjection checks that the string command got every hostile feature
// name as text, in one argument.
func checkInjection(exp, work string) []string {
	var out []string
	for _, p := range []string{"/tmp/pwned", filepath.Join(work, "pwned2"), filepath.Join(work, "pwned3"), filepath.Join(work, "pwned4")} {
		if _, err := os.Stat(p); err == nil {
			out = append(out, "shell injection: "+p+" exists")
		}
	}
	st, _ := checkTracker(exp)
	for _, row := range st.rows {
		if row["name"] == "inject_all_s1" {
			want := "$(touch /tmp/pwned),`touch pwned2`,'; touch pwned3; ',\"$(touch pwned4)\",a b,é/../x,--flag,{seed},../../etc/passwd\x1fall"
			if row["notes"] != want {
				out = append(out, fmt.Sprintf("the trainer got %q, want %q", row["notes"], want))
			}
			return out
		}
	}
	return append(out, "no row for the string command")
}

// binaryInWorkdir checks that kxrun works in a directory holding a file
// called kxrun (the binary, run from its folder): viper's search for the
// settings file used to take it for kxrun.yaml.
func binaryInWorkdir(t *testing.T, root string) []string {
	dir := filepath.Join(root, "withbinary")
	os.Mkdir(dir, 0o755)
	data, _ := os.ReadFile(kxrunBin)
	os.WriteFile(filepath.Join(dir, "kxrun"), data, 0o755)
	if o := kxrun(t, dir, nil, "log", "--name", "x", "--cv", "0.5"); o.code != 0 {
		return []string{"kxrun fails in a directory holding a file named kxrun: " + firstLine(o.stderr)}
	}
	return nil
}

func topLevel(dir string) map[string]bool {
	out := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out[filepath.Join(dir, e.Name())] = true
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// fuzz runs a fuzz target of another package for d and returns how many
// inputs it tried.
func fuzz(t *testing.T, pkg, name string, d time.Duration) (string, string) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "0", "go not found"
	}
	cmd := exec.Command(goTool, "test", "-run", "^$", "-fuzz", "^"+name+"$", "-fuzztime", d.String(), pkg)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "0", fmt.Sprintf("%s: %v\n%s", name, err, out)
	}
	m := regexp.MustCompile(`execs: (\d+) `).FindAllStringSubmatch(string(out), -1)
	if len(m) == 0 {
		return "?", ""
	}
	return m[len(m)-1][1], ""
}

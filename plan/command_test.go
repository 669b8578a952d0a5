package plan

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testVars = Vars{
	Seed:     -7,
	Features: []string{"age", "fare"},
	Variant:  "-family",
	RunDir:   "/runs/a b",
	Spec:     "/runs/a b/spec.json",
}

func TestExpandArgv(t *testing.T) {
	c := Command{Argv: []string{"python3", "train.py", "--seed", "{seed}", "--features={features}", "{variant}",
		"{run_dir}/out", "{spec}", "{unknown}", "{", "}{seed", "{{seed}}", "${seed}", "{Seed}"}}
	got := c.Expand(testVars)
	want := Command{Argv: []string{"python3", "train.py", "--seed", "-7", "--features=age,fare", "-family",
		"/runs/a b/out", "/runs/a b/spec.json", "{unknown}", "{", "}{seed", "{-7}", "$-7", "{Seed}"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
	if c.Argv[3] != "{seed}" {
		t.Errorf("Expand modified the original command")
	}
}

func TestExpandShell(t *testing.T) {
	v := Vars{Seed: 42, Features: []string{"a", "b"}, Variant: "+g", RunDir: "/r", Spec: "/r/s.json"}
	tests := []struct{ in, want string }{
		{"train --seed {seed}", "train --seed '42'"},
		{"train --f {features} > {run_dir}/log", "train --f 'a,b' > '/r'/log"},
		{`train "--out={run_dir}/x"`, `train "--out="'/r'"/x"`},
		{"train '--f={features}'", `train '--f=''a,b'''`},
		{"echo ${seed} ${HOME} {nope} {", "echo ${seed} ${HOME} {nope} {"},
		{`echo \{seed}`, `echo \{seed}`},
		{"echo x # {seed}\necho {seed}", "echo x # {seed}\necho '42'"},
		{"echo a#{seed}", "echo a#'42'"},
		{`echo "$(cat "{spec}")" {seed}`, `echo "$(cat ""'/r/s.json'"")" '42'`},
		{"(cd {run_dir} && train)", "(cd '/r' && train)"},
		{"echo ${X:-{seed}} {seed}", "echo ${X:-{seed}} '42'"},
		{"echo `echo {seed}`", "echo `echo {seed}`"},
		{"echo $(({seed} + 1))", "echo $(({seed} + 1))"},
		{"cat <<EOF\n{seed}\nEOF", "cat <<EOF\n{seed}\nEOF"},
		{"echo $'{seed}'", "echo $'{seed}'"},
	}
	for _, tt := range tests {
		got := Command{Shell: tt.in}.Expand(v)
		if got.Shell != tt.want || got.Argv != nil {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got.Shell, tt.want)
		}
	}
}

// TestExpandShellInjection runs the expanded commands with /bin/sh (and
// bash and dash when present, since /bin/sh differs between systems) and
// checks that hostile values arrive intact and execute nothing.
func TestExpandShellInjection(t *testing.T) {
	shells := []string{"/bin/sh"}
	for _, name := range []string{"bash", "dash"} {
		if p, err := exec.LookPath(name); err == nil {
			shells = append(shells, p)
		}
	}
	hostile := []string{"$(touch pwned1)", "a'b", "`touch pwned2`", `"; touch pwned3; "`, `'; touch pwned4; '`,
		`\'$(touch pwned5)`, "x\ny; touch pwned6", "${IFS}*"}
	v := Vars{Seed: 1, Features: hostile, Variant: "$(touch pwned7)", RunDir: "a'b\"c$d", Spec: "-n"}
	joined := strings.Join(hostile, ",")
	tests := []struct {
		script string
		want   []string // the arguments printf should see
	}{
		{`printf '[%s]\n' {features} {variant} {run_dir} {spec}`, []string{joined, v.Variant, v.RunDir, v.Spec}},
		{`printf '[%s]\n' "{features}" "x{variant}y" "{run_dir}"`, []string{joined, "x" + v.Variant + "y", v.RunDir}},
		{`printf '[%s]\n' '{features}' 'x{variant}y' '{run_dir}'`, []string{joined, "x" + v.Variant + "y", v.RunDir}},
		{`printf '[%s]\n' "$(printf '%s' "{features}")" $(printf '%s' {seed})`, []string{joined, "1"}},
		{"f={features}; printf '[%s]\\n' \"$f\" # {features}", []string{joined}},
		{`printf '[%s]\n' --f={features}"{variant}"'{run_dir}'`, []string{"--f=" + joined + v.Variant + v.RunDir}},
	}
	for _, sh := range shells {
		dir := t.TempDir()
		for _, tt := range tests {
			if phs := shellPlaceholders(tt.script); len(phs) == 0 {
				t.Fatalf("%q: no placeholders found", tt.script)
			}
			e := Command{Shell: tt.script}.Expand(v)
			cmd := exec.Command(sh, "-c", e.Shell)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s: %q failed: %v\n%s", sh, e.Shell, err, out)
				continue
			}
			var want strings.Builder
			for _, w := range tt.want {
				want.WriteString("[" + w + "]\n")
			}
			if string(out) != want.String() {
				t.Errorf("%s: script %q\nexpanded %q\noutput:\n%s\nwant:\n%s", sh, tt.script, e.Shell, out, want.String())
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			t.Errorf("%s created %s: a value was executed", sh, filepath.Join(dir, e.Name()))
		}
	}
}

func TestCommandString(t *testing.T) {
	tests := []struct {
		c    Command
		want string
	}{
		{Command{Argv: []string{"python3", "train.py", "--lr=0.1", "a,b", "/x/y:z@1%"}}, "python3 train.py --lr=0.1 a,b /x/y:z@1%"},
		{Command{Argv: []string{"echo", "", "a b", "it's", "$HOME", "{seed}"}}, `echo '' 'a b' 'it'\''s' '$HOME' '{seed}'`},
		{Command{Shell: "python3 train.py > log 2>&1"}, "python3 train.py > log 2>&1"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	if (Command{Shell: "x"}).IsShell() != true || (Command{Argv: []string{"x"}}).IsShell() != false {
		t.Errorf("IsShell is wrong")
	}
}

func TestShellPlaceholderContexts(t *testing.T) {
	tests := []struct {
		script string
		want   []quoteCtx
	}{
		{"a {seed} '{seed}' \"{seed}\"", []quoteCtx{ctxPlain, ctxSingle, ctxDouble}},
		{`"it's {seed}"`, []quoteCtx{ctxDouble}},
		{`'say "hi" {seed}'`, []quoteCtx{ctxSingle}},
		{`"\"{seed}\""`, []quoteCtx{ctxDouble}},
		{`\"{seed}`, []quoteCtx{ctxPlain}},
		{`"$(echo {seed} "{seed}")"`, []quoteCtx{ctxPlain, ctxDouble}},
		{"# c {seed}\n{seed}", []quoteCtx{ctxPlain}},
		{"${a:-{seed}}", []quoteCtx{ctxUnsafe}},
		{"\"${a:-{seed}}\" {seed}", []quoteCtx{ctxUnsafe, ctxPlain}},
		{"`{seed}` {seed}", []quoteCtx{ctxUnsafe, ctxPlain}},
		{"$(({seed}))", []quoteCtx{ctxUnsafe}},
		{"(({seed}))", []quoteCtx{ctxUnsafe}},
		{"( ({seed}) )", []quoteCtx{ctxPlain}},
		{"cat <<E\n{seed}\nE\n{seed}", []quoteCtx{ctxUnsafe, ctxUnsafe}},
		{"$(case x in a) echo {seed};; esac)", []quoteCtx{ctxUnsafe}},
		{"case x in a) echo {seed};; esac", []quoteCtx{ctxPlain}},
		{"echo ${x#'a'} {seed}", []quoteCtx{ctxUnsafe}},
	}
	for _, tt := range tests {
		var got []quoteCtx
		for _, ph := range shellPlaceholders(tt.script) {
			got = append(got, ph.ctx)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("shellPlaceholders(%q) contexts (-want +got):\n%s", tt.script, diff)
		}
	}
}

package plan

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const fullPlan = `name: groups
competition: my-competition
metric: rmse
direction: minimize
model: lgb
command: ["python3", "train.py", "--seed", "{seed}"]
workdir: .
env: {OMP_NUM_THREADS: "1", N: 2, FLAG: true, RATE: 0.50}
jobs: 2
timeout: 30m
retries: 1
seeds: [42, 123, -7]
base_features: [age, fare, sex]
feature_groups:
  title: [title]
  family: [sibsp, parch, family_size]
params:
  num_leaves: 31
  learning_rate: 0.05
  verbose: false
  objective: binary
  nothing: null
  big: 18446744073709551615
  list: [1, 2.5, x, [true]]
  nested: {a: {b: 1}}
alpha: 0.1
min_gain: 0.002
seed_std_warn: 0.01
inputs: [train.py, data/train.csv]
gpus: [1, 0]
per_gpu: 2
`

func TestParseFullPlan(t *testing.T) {
	got := mustParse(t, "plans/groups.yaml", fullPlan)
	want := &Plan{
		Path:         "plans/groups.yaml",
		Name:         "groups",
		Competition:  "my-competition",
		Metric:       "rmse",
		Direction:    Minimize,
		Model:        "lgb",
		Command:      Command{Argv: []string{"python3", "train.py", "--seed", "{seed}"}},
		Workdir:      ".",
		Env:          map[string]string{"OMP_NUM_THREADS": "1", "N": "2", "FLAG": "true", "RATE": "0.50"},
		Jobs:         2,
		Timeout:      30 * time.Minute,
		Retries:      1,
		Seeds:        []int64{42, 123, -7},
		BaseFeatures: []string{"age", "fare", "sex"},
		Groups: []Group{
			{Name: "title", Features: []string{"title"}},
			{Name: "family", Features: []string{"sibsp", "parch", "family_size"}},
		},
		Params: map[string]any{
			"num_leaves":    int64(31),
			"learning_rate": 0.05,
			"verbose":       false,
			"objective":     "binary",
			"nothing":       nil,
			"big":           float64(math.MaxUint64),
			"list":          []any{int64(1), 2.5, "x", []any{true}},
			"nested":        map[string]any{"a": map[string]any{"b": int64(1)}},
		},
		Alpha:   0.1,
		MinGain: 0.002, MinGainSet: true,
		SeedStdWarn: 0.01,
		Inputs:      []string{"train.py", "data/train.csv"},
		GPUs:        []int{1, 0},
		PerGPU:      2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParseDefaults(t *testing.T) {
	got := mustParse(t, "plans/my plan.v2.yaml", "command: python3 train.py\nbase_features: [a]\n")
	want := &Plan{
		Path:         "plans/my plan.v2.yaml",
		Name:         "my_plan.v2",
		Direction:    Maximize,
		Model:        "model",
		Command:      Command{Shell: "python3 train.py"},
		Seeds:        []int64{42},
		BaseFeatures: []string{"a"},
		Alpha:        0.05,
		MinGain:      0.001,
		SeedStdWarn:  0.005,
		PerGPU:       1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestNullMeansAbsent(t *testing.T) {
	src := "command: [x]\nbase_features: [a]\ntimeout:\nseeds: ~\nparams:\nenv:\nname:\nfeature_groups:\n"
	p := mustParse(t, "n.yaml", src)
	if p.Timeout != 0 || !cmp.Equal(p.Seeds, []int64{42}) || p.Params != nil || p.Env != nil || p.Name != "n" || p.Groups != nil {
		t.Errorf("null values were not treated as absent: %+v", p)
	}
}

func TestDefaultName(t *testing.T) {
	for file, want := range map[string]string{
		"plans/x.yaml":       "x",
		"x.yml":              "x",
		"x":                  "x",
		"dir/.yaml":          "plan",
		"":                   "plan",
		"plans/..yaml":       "plan",
		"plans/été 2024.yml": "_t__2024",
		"a/b/c.tar.yaml":     "c.tar",
	} {
		p := mustParse(t, file, "command: [x]\nbase_features: [a]\n")
		if p.Name != want {
			t.Errorf("Parse(%q).Name = %q, want %q", file, p.Name, want)
		}
	}
}

func TestGroupOrderKept(t *testing.T) {
	names := []string{"zeta", "alpha", "mid", "b", "a", "omega", "c1", "c0"}
	var b strings.Builder
	b.WriteString("command: [x]\nfeature_groups:\n")
	for _, n := range names {
		b.WriteString("  " + n + ": [f_" + n + "]\n")
	}
	p := mustParse(t, "o.yaml", b.String())
	var got []string
	for _, g := range p.Groups {
		got = append(got, g.Name)
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("group order (-want +got):\n%s", diff)
	}
}

func TestAliasesAndAnchors(t *testing.T) {
	src := `command: [x]
base_features: &b [a, b]
feature_groups:
  g1: &g [c, d]
params:
  shared: &s {depth: 3}
  copy: *s
inputs: *b
`
	p := mustParse(t, "a.yaml", src)
	if diff := cmp.Diff([]string{"a", "b"}, p.Inputs); diff != "" {
		t.Errorf("inputs via alias (-want +got):\n%s", diff)
	}
	want := map[string]any{"shared": map[string]any{"depth": int64(3)}, "copy": map[string]any{"depth": int64(3)}}
	if diff := cmp.Diff(want, p.Params); diff != "" {
		t.Errorf("params via alias (-want +got):\n%s", diff)
	}
}

// wantErr is one expected problem: its line, its column when col > 0, and a
// fragment of its message.
type wantErr struct {
	line, col int
	frag      string
}

// mustParse parses the plan src as the file name, which must succeed.
func mustParse(t *testing.T, name, src string) *Plan {
	t.Helper()
	p, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v\n%s", name, err, src)
	}
	return p
}

// complete adds a command and a feature to a snippet that lacks them, so
// each case shows only its own problem.
func complete(src string) string {
	if !regexp.MustCompile(`(?m)^command:`).MatchString(src) {
		src += "command: [python3, train.py]\n"
	}
	if !regexp.MustCompile(`(?m)^(base_features|feature_groups):`).MatchString(src) {
		src += "base_features: [zz]\n"
	}
	return src
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		raw  bool // use src as is, without complete
		want []wantErr
	}{
		{name: "unknown key", src: "seed: [1]\n", want: []wantErr{{1, 1, `unknown key "seed"`}}},
		{name: "unknown key far from all", src: "zzzzzz: 1\n", want: []wantErr{{1, 1, `unknown key "zzzzzz"`}}},
		{name: "duplicate top key", src: "jobs: 1\njobs: 2\n", want: []wantErr{{2, 1, `key "jobs" is set twice (lines 1 and 2)`}}},
		{name: "seeds not a list", src: "seeds: abc\n", want: []wantErr{{1, 8, `seeds: want a list of integers, got string "abc"`}}},
		{name: "seeds scalar int", src: "seeds: 42\n", want: []wantErr{{1, 8, "seeds: want a list of integers, got integer 42"}}},
		{name: "seeds empty", src: "seeds: []\n", want: []wantErr{{1, 8, "seeds is an empty list"}}},
		{name: "seed float", src: "seeds: [1, 1.5]\n", want: []wantErr{{1, 12, "seeds: want an integer, got number 1.5"}}},
		{name: "seed string", src: "seeds: [\"x\"]\n", want: []wantErr{{1, 9, `seeds: want an integer, got string "x"`}}},
		{name: "seed quoted number", src: "seeds: [\"7\"]\n", want: []wantErr{{1, 9, `got string "7"`}}},
		{name: "seed overflow", src: "seeds: [99999999999999999999]\n", want: []wantErr{{1, 9, "seeds: 99999999999999999999 is out of the 64-bit integer range"}}},
		{name: "seed tagged float", src: "seeds: [!!float 1]\n", want: []wantErr{{1, 9, "seeds: want an integer, got number 1"}}},
		{name: "jobs tagged int", src: "jobs: !!int 1.5\n", want: []wantErr{{1, 7, "jobs: 1.5 is not a 64-bit integer"}}},
		{name: "seed duplicate", src: "seeds:\n  - 1\n  - 2\n  - 1\n", want: []wantErr{{4, 5, "seed 1 is listed twice (lines 2 and 4)"}}},
		{name: "seed duplicate same line", src: "seeds: [3, 3]\n", want: []wantErr{{1, 12, "seed 3 is listed twice (line 1, columns 9 and 12)"}}},
		{name: "jobs string", src: "jobs: \"x\"\n", want: []wantErr{{1, 7, `jobs: want an integer, got string "x"`}}},
		{name: "jobs zero", src: "jobs: 0\n", want: []wantErr{{1, 7, "jobs must be at least 1, got 0"}}},
		{name: "jobs negative", src: "jobs: -3\n", want: []wantErr{{1, 7, "jobs must be at least 1"}}},
		{name: "retries negative", src: "retries: -1\n", want: []wantErr{{1, 10, "retries must be at least 0"}}},
		{name: "per_gpu zero", src: "per_gpu: 0\n", want: []wantErr{{1, 10, "per_gpu must be at least 1"}}},
		{name: "timeout bad", src: "timeout: soon\n", want: []wantErr{{1, 10, `timeout: "soon" is not a duration`}}},
		{name: "timeout no unit", src: "timeout: 30\n", want: []wantErr{{1, 10, "timeout: want a duration"}}},
		{name: "timeout zero", src: "timeout: 0s\n", want: []wantErr{{1, 10, "timeout must be positive"}}},
		{name: "timeout negative", src: "timeout: -5m\n", want: []wantErr{{1, 10, "timeout must be positive"}}},
		{name: "direction unknown", src: "direction: up\n", want: []wantErr{{1, 12, `direction must be "maximize" or "minimize", got "up"`}}},
		{name: "direction list", src: "direction: [max]\n", want: []wantErr{{1, 12, "direction: want a string, got a list"}}},
		{name: "model bad", src: "model: light gbm\n", want: []wantErr{{1, 8, `model "light gbm" is not usable in file names`}}},
		{name: "model slash", src: "model: a/b\n", want: []wantErr{{1, 8, `model "a/b"`}}},
		{name: "name bad", src: "name: ../up\n", want: []wantErr{{1, 7, `name "../up" is not usable in file names`}}},
		{name: "name dotdot", src: "name: ..\n", want: []wantErr{{1, 7, `name ".."`}}},
		{name: "alpha one", src: "alpha: 1\n", want: []wantErr{{1, 8, "alpha must be between 0 and 1"}}},
		{name: "alpha zero", src: "alpha: 0\n", want: []wantErr{{1, 8, "alpha must be between 0 and 1"}}},
		{name: "alpha nan", src: "alpha: .nan\n", want: []wantErr{{1, 8, "alpha must be between 0 and 1"}}},
		{name: "alpha string", src: "alpha: low\n", want: []wantErr{{1, 8, `alpha: want a number, got string "low"`}}},
		{name: "min_gain zero", src: "min_gain: 0\n", want: []wantErr{{1, 11, "min_gain must be a positive number"}}},
		{name: "min_gain inf", src: "min_gain: .inf\n", want: []wantErr{{1, 11, "min_gain must be a positive number"}}},
		{name: "seed_std_warn negative", src: "seed_std_warn: -0.1\n", want: []wantErr{{1, 16, "seed_std_warn must be a positive number"}}},
		{name: "inputs empty name", src: "inputs: [a, \"\"]\n", want: []wantErr{{1, 13, "inputs: empty file name"}}},
		{name: "inputs not list", src: "inputs: a.py\n", want: []wantErr{{1, 9, "inputs: want a list of file names"}}},
		{name: "inputs duplicate", src: "inputs: [a, a]\n", want: []wantErr{{1, 13, `input "a" is listed twice`}}},
		{name: "gpus negative", src: "gpus: [-1]\n", want: []wantErr{{1, 8, "gpus: -1 is not a GPU index"}}},
		{name: "gpus duplicate", src: "gpus: [0, 0]\n", want: []wantErr{{1, 11, "GPU 0 is listed twice"}}},
		{name: "gpus string", src: "gpus: [a]\n", want: []wantErr{{1, 8, "gpus: want an integer"}}},
		{name: "env not mapping", src: "env: [A]\n", want: []wantErr{{1, 6, "env: want a mapping"}}},
		{name: "env null value", src: "env: {A: }\n", want: []wantErr{{1, 10, "env A: value is null"}}},
		{name: "env nested value", src: "env: {A: [1]}\n", want: []wantErr{{1, 10, "env A: want a string, got a list"}}},
		{name: "env bad name", src: "env: {\"A=B\": x}\n", want: []wantErr{{1, 7, `variable name "A=B"`}}},
		{name: "env duplicate", src: "env:\n  A: 1\n  A: 2\n", want: []wantErr{{3, 3, `env: key "A" is set twice (lines 2 and 3)`}}},
		{name: "params not mapping", src: "params: [1]\n", want: []wantErr{{1, 9, "params: want a mapping"}}},
		{name: "params nan", src: "params: {lr: .nan}\n", want: []wantErr{{1, 14, "params.lr: .nan has no JSON form"}}},
		{name: "params duplicate", src: "params:\n  a: 1\n  a: 2\n", want: []wantErr{{3, 3, `params: key "a" is set twice`}}},
		{name: "params cycle", src: "params: &p {a: *p}\n", want: []wantErr{{1, 16, "refers to a value that contains it"}}},
		{name: "params alias bomb", src: "params:\n  a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: [*d, *d]\n",
			want: []wantErr{{2, 0, "aliases expand to more than 10000 values"}}},
		{name: "params custom tag", src: "params: {a: !thing x}\n", want: []wantErr{{1, 13, "params.a: unsupported tag !thing"}}},
		{name: "params binary tag", src: "params: {a: !!binary aGk=}\n", want: []wantErr{{1, 13, "unsupported tag !!binary"}}},
		{name: "merge key", src: "params: {<<: {a: 1}}\n", want: []wantErr{{1, 10, "merge keys (<<) are not supported"}}},
		{name: "non-scalar key", src: "? [a]\n: 1\n", want: []wantErr{{1, 3, "keys must be plain names, got a list"}}},

		{name: "command absent", src: "base_features: [a]\n", raw: true, want: []wantErr{{1, 1, "no command"}}},
		{name: "command null", src: "command:\n", want: []wantErr{{1, 1, "command is empty"}}},
		{name: "command empty list", src: "command: []\n", want: []wantErr{{1, 10, "command is an empty list"}}},
		{name: "command empty string", src: "command: \"  \"\n", want: []wantErr{{1, 10, "command is an empty string"}}},
		{name: "command empty program", src: "command: [\"\", train.py]\n", want: []wantErr{{1, 11, "the program (first element) is empty"}}},
		{name: "command mapping", src: "command: {a: b}\n", want: []wantErr{{1, 10, "command: want a list of arguments or a shell command string, got a mapping"}}},
		{name: "command number", src: "command: 5\n", want: []wantErr{{1, 10, "got integer 5"}}},
		{name: "command nested list", src: "command: [python3, [x]]\n", want: []wantErr{{1, 20, "command: want a string, got a list"}}},
		{name: "command placeholder in ${}", src: "command: echo ${X:-{seed}}\n", want: []wantErr{{1, 10, "command: kxrun cannot quote {seed} safely where it stands"}}},
		{name: "command placeholder in backquotes", src: "command: echo `echo {features}`\n", want: []wantErr{{1, 10, "cannot quote {features} safely"}}},
		{name: "command placeholder after heredoc", src: "command: \"cat <<EOF\\n{features}\\nEOF\"\n", want: []wantErr{{1, 10, "cannot quote {features} safely"}}},
		{name: "command several unsafe placeholders", src: "command: echo `{seed} {features} {seed}`\n", want: []wantErr{{1, 10, "cannot quote {seed}, {features} safely"}}},

		{name: "no features", src: "command: [x]\n", raw: true, want: []wantErr{{1, 1, "the plan has no features"}}},
		{name: "no features empty lists", src: "command: [x]\nbase_features: []\nfeature_groups: {}\n", raw: true, want: []wantErr{{2, 1, "the plan has no features"}}},
		{name: "base_features not list", src: "base_features: age\n", want: []wantErr{{1, 16, `base_features: want a list of feature names, got string "age"`}}},
		{name: "feature_groups not mapping", src: "feature_groups: [a]\n", want: []wantErr{{1, 17, "feature_groups: want a mapping"}}},
		{name: "empty group list", src: "base_features: [a]\nfeature_groups:\n  fam: []\n", want: []wantErr{{3, 3, `group "fam" is empty`}}},
		{name: "empty group null", src: "base_features: [a]\nfeature_groups:\n  fam:\n", want: []wantErr{{3, 3, `group "fam" is empty`}}},
		{name: "group not list", src: "feature_groups:\n  fam: sibsp\n", want: []wantErr{{2, 8, `group "fam": want a list of feature names, got string "sibsp"`}}},
		{name: "group bad name", src: "feature_groups:\n  my group: [a]\n", want: []wantErr{{2, 3, `group name "my group" is not usable`}}},
		{name: "group name with slash", src: "feature_groups:\n  a/b: [a]\n", want: []wantErr{{2, 3, `group name "a/b"`}}},
		{name: "group twice", src: "feature_groups:\n  fam: [a]\n  t: [b]\n  fam: [c]\n", want: []wantErr{{4, 3, `group "fam" is defined twice (lines 2 and 4)`}}},
		{name: "feature in two groups", src: "feature_groups:\n  g1: [a, b]\n  g2: [c, b]\n", want: []wantErr{{3, 11, `feature "b" is in both group "g1" (line 2) and group "g2"`}}},
		{name: "feature in base and group", src: "base_features: [a, b]\nfeature_groups:\n  g: [b]\n", want: []wantErr{{3, 7, `feature "b" is in both base_features (line 1) and group "g"`}}},
		{name: "feature duplicated in base", src: "base_features: [a, b, a]\n", want: []wantErr{{1, 23, `base_features: feature "a" is listed twice (line 1, columns 17 and 23)`}}},
		{name: "feature duplicated in group", src: "feature_groups:\n  g:\n    - a\n    - a\n", want: []wantErr{{4, 7, `group "g": feature "a" is listed twice (lines 3 and 4)`}}},
		{name: "empty feature", src: "base_features: [a, \"\"]\n", want: []wantErr{{1, 20, "base_features: empty feature name"}}},
		{name: "blank feature", src: "base_features: [\" \"]\n", want: []wantErr{{1, 17, "empty feature name"}}},
		{name: "null feature", src: "base_features: [a, ~]\n", want: []wantErr{{1, 20, "base_features: want a string, got null"}}},
		{name: "feature with comma", src: "base_features: [\"a,b\"]\n", want: []wantErr{{1, 17, `feature "a,b" contains a comma`}}},
		{name: "feature with newline", src: "base_features: [\"a\\nb\"]\n", want: []wantErr{{1, 17, "contains a line break"}}},
		{name: "feature with tab", src: "base_features: [\"a\\tb\"]\n", want: []wantErr{{1, 17, "contains a control character"}}},
		{name: "feature list item mapping", src: "base_features: [{a: 1}]\n", want: []wantErr{{1, 17, "base_features: want a string, got a mapping"}}},

		{name: "empty file", src: "", raw: true, want: []wantErr{{1, 0, "plan file is empty"}}},
		{name: "only comments", src: "# nothing\n\n", raw: true, want: []wantErr{{1, 0, "plan file is empty"}}},
		{name: "only document marker", src: "---\n", raw: true, want: []wantErr{{1, 0, "plan file is empty"}}},
		{name: "only null", src: "~\n", raw: true, want: []wantErr{{1, 0, "plan file is empty"}}},
		{name: "top level list", src: "- a\n- b\n", raw: true, want: []wantErr{{1, 1, "the plan must be a mapping of keys, got a list"}}},
		{name: "top level scalar", src: "hello\n", raw: true, want: []wantErr{{1, 1, `got string "hello"`}}},
		{name: "two documents after empty one", src: "command: [x]\nbase_features: [a]\n---\n---\nb: 1\n", raw: true, want: []wantErr{{5, 1, "more than one YAML document"}}},
		{name: "two documents", src: "command: [x]\nbase_features: [a]\n---\nb: 1\n", raw: true, want: []wantErr{{4, 1, "more than one YAML document"}}},
		{name: "unclosed flow list", src: "command: [x]\nbase_features: [a\njobs: 2\n", raw: true, want: []wantErr{{2, 0, "invalid YAML: did not find expected ',' or ']'"}}},
		{name: "mapping in plain value", src: "command: [x]\nbase_features: [a]\njobs: a: b\n", raw: true, want: []wantErr{{3, 0, "invalid YAML: mapping values are not allowed"}}},
		{name: "control character", src: "command: [x]\nbase_features: [a]\njobs: \x01\n", raw: true, want: []wantErr{{3, 7, "invalid YAML: control characters are not allowed"}}},
		{name: "invalid utf-8", src: "command: [x]\nbase_features: [\xff]\n", raw: true, want: []wantErr{{2, 17, "invalid YAML"}}},
		{name: "bad indentation", src: "command: [x]\nbase_features:\n  - a\n - b\n", raw: true, want: []wantErr{{4, 0, "invalid YAML"}}},
		{name: "tab indentation", src: "command: [x]\nbase_features:\n\t- a\n", raw: true, want: []wantErr{{3, 0, "invalid YAML"}}},
		{name: "unknown alias", src: "command: [x]\nbase_features: *nope\n", raw: true, want: []wantErr{{2, 16, "unknown anchor"}}},

		{name: "many problems at once", src: "seed: 1\njobs: x\ntimeout: 1\nfeature_groups:\n  g: []\n", want: []wantErr{
			{1, 1, `unknown key "seed"`},
			{2, 7, "jobs: want an integer"},
			{3, 10, "timeout: want a duration"},
			{5, 3, `group "g" is empty`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if !tt.raw {
				src = complete(src)
			}
			p, err := Parse("plans/x.yaml", []byte(src))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want errors %v", p, tt.want)
			}
			if p != nil {
				t.Errorf("Parse returned a plan along with errors")
			}
			list := wantProblems(t, err, tt.want)
			for _, e := range list {
				if e.File != "plans/x.yaml" {
					t.Errorf("problem names file %q, want plans/x.yaml", e.File)
				}
			}
		})
	}
}

// wantProblems checks that err lists exactly the problems in want, and
// returns them.
func wantProblems(t *testing.T, err error, want []wantErr) ErrorList {
	t.Helper()
	var list *ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, want *ErrorList: %v", err, err)
	}
	if len(*list) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(*list), len(want), err)
	}
	for _, w := range want {
		if !hasError(*list, w) {
			t.Errorf("missing problem at line %d col %d containing %q; got:\n%v", w.line, w.col, w.frag, err)
		}
	}
	return *list
}

func hasError(list ErrorList, w wantErr) bool {
	for _, e := range list {
		if e.Line == w.line && (w.col == 0 || e.Column == w.col) && strings.Contains(e.Msg, w.frag) {
			return true
		}
	}
	return false
}

func TestErrorFormat(t *testing.T) {
	_, err := Parse("plans/x.yaml", []byte("command: [x]\nbase_features: [a]\nseed: [1]\njobs: x\n"))
	want := "plans/x.yaml:3:1: unknown key \"seed\"\n" +
		"  hint: did you mean \"seeds\"?\n" +
		"plans/x.yaml:4:7: jobs: want an integer, got string \"x\""
	if err == nil || err.Error() != want {
		t.Errorf("error text:\n%v\nwant:\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 {
		t.Errorf("errors.As(*Error) = %v, want the first problem", e)
	}
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Msg: "m"}, "f: m"},
		{Error{File: "f", Line: 2, Msg: "m"}, "f:2: m"},
		{Error{File: "f", Line: 2, Column: 5, Msg: "m", Hint: "h"}, "f:2:5: m\n  hint: h"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestSuggestions(t *testing.T) {
	for key, want := range map[string]string{
		"seed":          `did you mean "seeds"?`,
		"Seeds":         `did you mean "seeds"?`,
		"feature_group": `did you mean "feature_groups"?`,
		"features":      `did you mean "base_features"?`,
		"groups":        `did you mean "feature_groups"?`,
		"cmd":           `did you mean "command"?`,
		"comand":        `did you mean "command"?`,
		"time_out":      `did you mean "timeout"?`,
		"pergpu":        `did you mean "per_gpu"?`,
		"xyzzy":         "valid keys: name, competition,",
	} {
		_, err := Parse("x.yaml", []byte(complete(key+": 1\n")))
		var list *ErrorList
		if !errors.As(err, &list) || len(*list) != 1 {
			t.Fatalf("%s: got %v, want one problem", key, err)
		}
		if got := (*list)[0].Hint; !strings.HasPrefix(got, want) {
			t.Errorf("%s: hint %q, want prefix %q", key, got, want)
		}
	}
}

func TestWarnings(t *testing.T) {
	src := `command: python3 train.py --features {features} --sed {sed}
metric: NA
feature_groups:
  nan: [a]
  NA: [b]
  None: [c]
  fine: [d]
  "null": [e]
  NaN: [f]
`
	p := mustParse(t, "w.yaml", src)
	type w struct {
		Line int
		Msg  string
	}
	var got []w
	for _, e := range p.Warnings {
		if e.File != "w.yaml" || e.Hint == "" {
			t.Errorf("warning without file or hint: %#v", e)
		}
		got = append(got, w{e.Line, e.Msg})
	}
	want := []w{
		{1, "command: {sed} is not a placeholder and is passed as written"},
		{2, `metric "NA": pandas reads it as a missing value, so the metric column of runs.csv would come back empty`},
		// Only "-nan" and "-NaN" are in pandas' list; "-NA", "+None"... are not.
		{4, `group "nan": pandas reads the variant name "-nan" as a missing value in runs.csv by default`},
		{9, `group "NaN": pandas reads the variant name "-NaN" as a missing value in runs.csv by default`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestWarnShellInArgv(t *testing.T) {
	p := mustParse(t, "w.yaml", "command: [bash, -c, \"python3 t.py {features}\"]\nbase_features: [a]\n")
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].Msg, "bash -c") {
		t.Errorf("warnings = %v, want one about bash -c", p.Warnings)
	}
	p, err := Parse("w.yaml", []byte("command: [bash, -c, \"python3 t.py\", \"{features}\"]\nbase_features: [a]\n"))
	if err != nil || len(p.Warnings) != 0 {
		t.Errorf("placeholder outside the script: warnings %v, err %v", p.Warnings, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(path, []byte(fullPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if p.Path != path || p.Name != "groups" {
		t.Errorf("Load: Path %q Name %q", p.Path, p.Name)
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "read plan: ") {
		t.Errorf("Load(missing) = %v, want a wrapped not-exist error starting with \"read plan: \"", err)
	}
	var list *ErrorList
	if errors.As(err, &list) {
		t.Errorf("Load(missing) returned an ErrorList")
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("command: [x]\nbase_features: [a]\njobs: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if !errors.As(err, &list) || err.Error() != bad+":3:7: jobs must be at least 1, got 0" {
		t.Errorf("Load(bad) = %v", err)
	}
}

func TestDirection(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		d      Direction
		a, b   float64
		better bool
	}{
		{Maximize, 2, 1, true},
		{Maximize, 1, 2, false},
		{Maximize, 1, 1, false},
		{Minimize, 1, 2, true},
		{Minimize, 2, 1, false},
		{Minimize, nan, 1, false},
		{Minimize, 1, nan, true},
		{Maximize, nan, nan, false},
		{"", 2, 1, true},
	}
	for _, tt := range tests {
		if got := tt.d.Better(tt.a, tt.b); got != tt.better {
			t.Errorf("%q.Better(%v, %v) = %v, want %v", tt.d, tt.a, tt.b, got, tt.better)
		}
	}
	if Maximize.Sign() != 1 || Minimize.Sign() != -1 {
		t.Errorf("Sign: maximize %v minimize %v", Maximize.Sign(), Minimize.Sign())
	}
}

func TestDocumentMarkers(t *testing.T) {
	for _, src := range []string{
		"---\ncommand: [x]\nbase_features: [a]\n",
		"command: [x]\nbase_features: [a]\n---\n",
		"command: [x]\nbase_features: [a]\n...\n",
		"%YAML 1.1\n---\ncommand: [x]\nbase_features: [a]\n",
	} {
		if _, err := Parse("d.yaml", []byte(src)); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
	}
}

// TestDocExample keeps the format example in the package doc valid.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var yaml strings.Builder
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "//\t"); ok {
			yaml.WriteString(rest + "\n")
		}
	}
	p := mustParse(t, "doc.yaml", yaml.String())
	if p.Name != "titanic" || len(p.Groups) != 2 || len(p.Warnings) != 0 {
		t.Errorf("doc example parsed to %+v", p)
	}
}

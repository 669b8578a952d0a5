package plan

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that no input makes Parse panic, that every failure is
// an *ErrorList of located problems, and that every plan Parse accepts can
// be expanded. Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(fullPlan))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yaml", data)
		if err != nil {
			var list *ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not *ErrorList: %v", err, err)
			}
			if p != nil || len(*list) == 0 {
				t.Fatalf("plan %v and %d problems", p, len(*list))
			}
			for _, e := range *list {
				if e.File != "f.yaml" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
					t.Fatalf("bad problem %#v", e)
				}
			}
			_ = err.Error()
			return
		}
		if len(p.Seeds) == 0 || len(p.BaseFeatures)+len(p.Groups) == 0 || !validName(p.Name) || !validName(p.Model) {
			t.Fatalf("accepted an invalid plan: %+v", p)
		}
		if len(p.Command.Argv) == 0 && strings.TrimSpace(p.Command.Shell) == "" {
			t.Fatalf("accepted a plan without a command")
		}
		vs := p.Variants()
		if len(vs) != 2+2*len(p.Groups) {
			t.Fatalf("%d variants for %d groups", len(vs), len(p.Groups))
		}
		runs := p.Runs()
		if len(runs) == 0 || len(runs)%len(p.Seeds) != 0 {
			t.Fatalf("%d runs for %d seeds", len(runs), len(p.Seeds))
		}
		seen := map[string]bool{}
		for _, r := range runs {
			if seen[r.Name] || !validName(r.Name) {
				t.Fatalf("run name %q repeated or invalid", r.Name)
			}
			seen[r.Name] = true
		}
		e := p.Command.Expand(Vars{Seed: -1, Features: vs[0].Features, Variant: vs[len(vs)-1].Name, RunDir: "'\"$(x)`", Spec: "s"})
		if e.IsShell() != p.Command.IsShell() {
			t.Fatalf("Expand changed the command form")
		}
		_ = e.String()
	})
}

// TestLargeInputsStayFast feeds inputs built to make a careless decoder
// quadratic or exponential; each must be refused or accepted quickly.
func TestLargeInputsStayFast(t *testing.T) {
	var keys, groups, bomb strings.Builder
	for i := range 50000 {
		keys.WriteString("unknown_key_number_" + strings.Repeat("x", i%40) + string(rune('a'+i%26)) + "q" + itoa(i) + ": 1\n")
	}
	groups.WriteString("command: [x]\nbase_features: &b [")
	for i := range 2000 {
		groups.WriteString("f" + itoa(i) + ", ")
	}
	groups.WriteString("z]\nfeature_groups:\n")
	for i := range 2000 {
		groups.WriteString("  g" + itoa(i) + ": *b\n")
	}
	bomb.WriteString("command: [x]\nbase_features: [a]\nparams:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 20; i++ {
		bomb.WriteString("  l" + itoa(i) + ": &l" + itoa(i) + " [" + strings.Repeat("*l"+itoa(i-1)+", ", 9) + "*l" + itoa(i-1) + "]\n")
	}
	tests := map[string]string{
		"unknown keys":   keys.String(),
		"aliased groups": groups.String(),
		"alias bomb":     bomb.String(),
		"nested parens":  "command: \"" + strings.Repeat("(", 50000) + strings.Repeat("{seed}", 20000) + "\"\nbase_features: [a]\n",
		"brace words":    "command: \"" + strings.Repeat("{seedx} {a} {verylongwordthatisnotaplaceholder} ", 5000) + "\"\nbase_features: [a]\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			p, err := Parse("big.yaml", []byte(src))
			// A guard against blow-ups (alias bombs are exponential), not a
			// performance measurement: generous enough for a loaded CI box.
			if d := time.Since(start); d > time.Minute {
				t.Errorf("Parse took %v", d)
			}
			var list *ErrorList
			if err != nil && !errors.As(err, &list) {
				t.Errorf("error is %T: %v", err, err)
			}
			if err != nil && len(*list) > maxErrors+1 {
				t.Errorf("%d problems reported, want at most %d", len(*list), maxErrors+1)
			}
			if p != nil && len(p.Warnings) > maxErrors {
				t.Errorf("%d warnings", len(p.Warnings))
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

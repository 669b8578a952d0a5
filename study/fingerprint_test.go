package study

import (
	"testing"

	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
)

// A run without techniques keeps the fingerprint it had before plans had
// techniques (the value below is what that version computed), so existing
// trackers' runs are reused; techniques on change it.
func TestFingerprintTechniques(t *testing.T) {
	spec := func(techniques ...string) *runner.Spec {
		return &runner.Spec{Seed: 7, Features: []string{"a", "b"}, Params: map[string]any{"lr": 0.1},
			Command: plan.Command{Argv: []string{"python3", "train.py", "{seed}"}}, Dir: "/w", Env: map[string]string{"A": "1"},
			Techniques: techniques}
	}
	inputs := map[string]string{"train.py": "abc"}
	if got := Fingerprint(spec(), inputs); got != "59ec844953e40a483f134b72" {
		t.Errorf("fingerprint without techniques %s, want the earlier 59ec844953e40a483f134b72", got)
	}
	a, ab := Fingerprint(spec("a"), inputs), Fingerprint(spec("a", "b"), inputs)
	if a == Fingerprint(spec(), inputs) || a == ab {
		t.Errorf("techniques do not change the fingerprint: %s %s", a, ab)
	}
	// {techniques} in the command is part of it like any placeholder.
	s := spec("a")
	s.Command = plan.Command{Argv: []string{"train", "{techniques}"}}
	s2 := spec("a")
	s2.Command = plan.Command{Argv: []string{"train", "a"}}
	if Fingerprint(s, inputs) != Fingerprint(s2, inputs) {
		t.Errorf("{techniques} is not substituted in the fingerprint's command")
	}
}

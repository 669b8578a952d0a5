package main

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// plans/demo.yaml is written for this trainer: its feature names and groups
// must be the catalog's, or `make demo` fails or measures the wrong thing.
func TestDemoPlanMatchesCatalog(t *testing.T) {
	raw, err := os.ReadFile("../../plans/demo.yaml")
	if err != nil {
		t.Skipf("no demo plan: %v", err)
	}
	var p struct {
		Command       []string            `yaml:"command"`
		BaseFeatures  []string            `yaml:"base_features"`
		FeatureGroups map[string][]string `yaml:"feature_groups"`
		Params        map[string]any      `yaml:"params"`
	}
	if err := yaml.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, f := range catalog {
		want[f.group] = append(want[f.group], f.name)
	}
	if !slices.Equal(p.BaseFeatures, want["base"]) {
		t.Errorf("base_features %v, catalog base %v", p.BaseFeatures, want["base"])
	}
	delete(want, "base")
	if len(p.FeatureGroups) != len(want) {
		t.Errorf("feature_groups %v, catalog groups %v", p.FeatureGroups, want)
	}
	for g, names := range want {
		if !slices.Equal(p.FeatureGroups[g], names) {
			t.Errorf("group %s: plan %v, catalog %v", g, p.FeatureGroups[g], names)
		}
	}
	for k := range p.Params {
		if k != "l2" && k != "C" && k != "folds" {
			t.Errorf("params.%s is not read by the trainer", k)
		}
	}
	if len(p.Command) == 0 || p.Command[0] != "./bin/demotrainer" {
		t.Errorf("command %v, want ./bin/demotrainer as built by make", p.Command)
	}
}

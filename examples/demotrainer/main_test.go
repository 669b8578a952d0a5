package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeSpec(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigurePrecedence(t *testing.T) {
	spec := writeSpec(t, `{"plan":"demo","variant":"all","seed":7,"features":["age"],
		"params":{"folds":3,"C":0.5},"run_dir":"/spec/dir"}`)

	cfg, err := configure(nil, envOf(map[string]string{"KXRUN_SPEC": spec}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.seed != 7 || cfg.folds != 3 || cfg.l2 != 2 || cfg.outDir != "/spec/dir" || !slices.Equal(cfg.features, []string{"age"}) {
		t.Errorf("from spec: %+v", cfg)
	}

	env := map[string]string{"KXRUN_SPEC": spec, "KXRUN_SEED": "11",
		"KXRUN_FEATURES": "sex, fare,", "KXRUN_RUN_DIR": "/env/dir"}
	cfg, err = configure(nil, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.seed != 11 || cfg.folds != 3 || cfg.outDir != "/env/dir" || !slices.Equal(cfg.features, []string{"sex", "fare"}) {
		t.Errorf("env over spec: %+v", cfg)
	}

	cfg, err = configure([]string{"--features", "parch", "--seed", "5", "--folds", "4", "--c", "0.25", "--out", "/flag/dir"},
		envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.seed != 5 || cfg.folds != 4 || cfg.l2 != 4 || cfg.outDir != "/flag/dir" || !slices.Equal(cfg.features, []string{"parch"}) {
		t.Errorf("flags over env: %+v", cfg)
	}
}

func TestConfigureUsageErrors(t *testing.T) {
	specBoth := writeSpec(t, `{"params":{"l2":1,"C":1}}`)
	specBadFolds := writeSpec(t, `{"params":{"folds":2.5}}`)
	specString := writeSpec(t, `{"params":{"l2":"strong"}}`)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no features at all", nil, nil, "no features"},
		{"empty KXRUN_FEATURES", nil, map[string]string{"KXRUN_FEATURES": " , "}, "no features"},
		{"unknown feature", []string{"--features", "age,cabin"}, nil, "unknown feature(s) cabin"},
		{"duplicate feature", []string{"--features", "age,age"}, nil, "twice"},
		{"bad seed", nil, map[string]string{"KXRUN_SEED": "x", "KXRUN_FEATURES": "age"}, "KXRUN_SEED"},
		{"one fold", []string{"--features", "age", "--folds", "1"}, nil, "folds"},
		{"c and l2", []string{"--features", "age", "--c", "1", "--l2", "1"}, nil, "not both"},
		{"zero C", []string{"--features", "age", "--c", "0"}, nil, "positive"},
		{"stray argument", []string{"--features", "age", "extra"}, nil, "unexpected"},
		{"unknown flag", []string{"--bogus"}, nil, "bogus"},
		{"spec l2 and C", []string{"--features", "age"}, map[string]string{"KXRUN_SPEC": specBoth}, "not both"},
		{"spec fractional folds", []string{"--features", "age"}, map[string]string{"KXRUN_SPEC": specBadFolds}, "folds"},
		{"spec string param", []string{"--features", "age"}, map[string]string{"KXRUN_SPEC": specString}, "number"},
		{"missing spec", nil, map[string]string{"KXRUN_SPEC": "/nonexistent/spec.json"}, "KXRUN_SPEC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := configure(tc.args, envOf(tc.env), io.Discard)
			if _, ok := errors.AsType[usageError](err); !ok {
				t.Fatalf("err = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestUnknownFeatureListsValidNames(t *testing.T) {
	var stdout, stderr strings.Builder
	code := run([]string{"--features", "age,cabin"}, envOf(nil), &stdout, &stderr)
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	for _, f := range catalog {
		if !strings.Contains(stderr.String(), f.name) {
			t.Errorf("stderr does not list %q: %s", f.name, stderr.String())
		}
	}
}

func TestUnknownParamIsWarned(t *testing.T) {
	spec := writeSpec(t, `{"params":{"l2":1,"max_depth":6}}`)
	var stderr strings.Builder
	if _, err := configure([]string{"--features", "age"}, envOf(map[string]string{"KXRUN_SPEC": spec}), &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "max_depth") {
		t.Errorf("stderr = %q, want a warning about max_depth", stderr.String())
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
)

// The end-to-end test drives the built binary the way kxrun does (a real
// process, the KXRUN_* environment, a spec file, JSON on stdout) and checks
// that an ablation over the demo's groups gives the designed answer.

type runOutput struct {
	CVScores []float64      `json:"cv_scores"`
	OOF      string         `json:"oof"`
	Test     string         `json:"test"`
	Params   map[string]any `json:"params"`
	Metrics  map[string]any `json:"metrics"`
	Notes    string         `json:"notes"`
}

func buildTrainer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the trainer binary")
	}
	goBin, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "demotrainer")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// trainerEnv is the test's environment without any KXRUN_* variables, so
// that running these tests under kxrun cannot leak into the child runs.
func trainerEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KXRUN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

type runResult struct {
	out      runOutput
	stdout   string
	stderr   string
	exitCode int
	err      error
}

func runTrainer(bin string, env []string, args ...string) runResult {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := runResult{stdout: stdout.String(), stderr: stderr.String(), exitCode: -1}
	if cmd.ProcessState != nil { // nil when the binary did not start
		r.exitCode = cmd.ProcessState.ExitCode()
	}
	if err != nil {
		r.err = fmt.Errorf("%v\nstderr:\n%s", err, stderr.String())
		return r
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 1 {
		r.err = fmt.Errorf("stdout has %d lines, want exactly one JSON line:\n%s", len(lines), r.stdout)
		return r
	}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r.out); err != nil {
		r.err = fmt.Errorf("stdout is not the result JSON: %v\n%s", err, r.stdout)
	}
	return r
}

func readNpy(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v []float64
	if err := npy.Read(f, &v); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return v
}

func TestEndToEnd(t *testing.T) {
	bin := buildTrainer(t)
	data := generate()

	t.Run("ablation", func(t *testing.T) {
		groups := map[string][]string{}
		var base []string
		for _, f := range catalog {
			if f.group == "base" {
				base = append(base, f.name)
			} else {
				groups[f.group] = append(groups[f.group], f.name)
			}
		}
		names := []string{"family", "title", "noise"}
		all := slices.Clone(base)
		for _, g := range names {
			all = append(all, groups[g]...)
		}
		// The variants kxrun's ablation runs: all, all minus each group,
		// base, base plus each group.
		variants := map[string][]string{"all": all, "base": base}
		for _, g := range names {
			variants["-"+g] = slices.DeleteFunc(slices.Clone(all), func(f string) bool { return slices.Contains(groups[g], f) })
			variants["+"+g] = append(slices.Clone(base), groups[g]...)
		}
		seeds := []int64{42, 123, 456}
		spec := writeSpec(t, `{"plan":"demo","params":{"l2":1.0}}`)

		type job struct {
			variant string
			seed    int64
			dir     string
		}
		var jobs []job
		for v := range variants {
			for _, s := range seeds {
				jobs = append(jobs, job{v, s, t.TempDir()})
			}
		}
		results := make([]runResult, len(jobs))
		sem := make(chan struct{}, runtime.NumCPU())
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				results[i] = runTrainer(bin, trainerEnv(
					"KXRUN_SEED="+fmt.Sprint(j.seed),
					"KXRUN_FEATURES="+strings.Join(variants[j.variant], ","),
					"KXRUN_VARIANT="+j.variant,
					"KXRUN_RUN_DIR="+j.dir,
					"KXRUN_SPEC="+spec,
				), "--folds", "5")
			})
		}
		wg.Wait()

		cv := map[string]float64{} // mean CV AUC over folds and seeds
		for i, j := range jobs {
			r := results[i]
			if r.err != nil {
				t.Fatalf("%s seed %d: %v", j.variant, j.seed, r.err)
			}
			if len(r.out.CVScores) != 5 {
				t.Fatalf("%s seed %d: %d cv_scores, want 5", j.variant, j.seed, len(r.out.CVScores))
			}
			if want := filepath.Join(j.dir, "oof.npy"); r.out.OOF != want {
				t.Errorf("oof = %q, want %q", r.out.OOF, want)
			}
			if r.out.Params["l2"] != 1.0 || r.out.Params["folds"] != 5.0 || r.out.Params["seed"] != float64(j.seed) {
				t.Errorf("%s seed %d: params %v", j.variant, j.seed, r.out.Params)
			}
			for _, s := range r.out.CVScores {
				cv[j.variant] += s / float64(len(r.out.CVScores)*len(seeds))
			}
		}

		// The prediction files: right shapes, probabilities, and the OOF
		// vector scores as the trainer said it did.
		r := results[0]
		oof := readNpy(t, r.out.OOF)
		test := readNpy(t, r.out.Test)
		if len(oof) != trainRows || len(test) != testRows {
			t.Fatalf("oof has %d rows, test %d; want %d and %d", len(oof), len(test), trainRows, testRows)
		}
		for _, p := range slices.Concat(oof, test) {
			if !(p > 0 && p < 1) {
				t.Fatalf("prediction %v is not a probability", p)
			}
		}
		auc, err := rocAUC(oof, data.yTrain)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.out.Metrics["oof_auc"].(float64); math.Abs(got-auc) > 1e-12 {
			t.Errorf("metrics.oof_auc = %v, AUC of oof.npy = %v", got, auc)
		}

		for _, v := range slices.Sorted(maps.Keys(variants)) {
			t.Logf("%-8s cv auc %.5f", v, cv[v])
		}
		gain := map[string][2]float64{} // [drop from all, add to base]
		for _, g := range names {
			gain[g] = [2]float64{cv["all"] - cv["-"+g], cv["+"+g] - cv["base"]}
			t.Logf("gain %-7s drop %+.5f add %+.5f", g, gain[g][0], gain[g][1])
		}
		if cv["base"] < 0.6 {
			t.Errorf("base-only AUC %.4f, want clearly above 0.5", cv["base"])
		}
		for k, how := range []string{"dropping it from all", "adding it to base"} {
			if gain["family"][k] <= 0.02 {
				t.Errorf("family gain %.5f by %s, want > 0.02", gain["family"][k], how)
			}
			if gain["title"][k] <= 0 {
				t.Errorf("title gain %.5f by %s, want > 0", gain["title"][k], how)
			}
			if math.Abs(gain["noise"][k]) >= gain["title"][k] {
				t.Errorf("noise gain %.5f by %s, want smaller in size than title's %.5f", gain["noise"][k], how, gain["title"][k])
			}
		}
	})

	t.Run("deterministic and order-independent", func(t *testing.T) {
		env := trainerEnv("KXRUN_SEED=9", "KXRUN_FEATURES=age,sex,title")
		a := runTrainer(bin, env)
		b := runTrainer(bin, env, "--features", "title, sex,age")
		if a.err != nil || b.err != nil {
			t.Fatal(a.err, b.err)
		}
		if a.stdout != b.stdout {
			t.Errorf("same feature set, different output:\n%s%s", a.stdout, b.stdout)
		}
		if a.out.OOF != "" {
			t.Errorf("no run dir, but oof = %q", a.out.OOF)
		}
	})

	t.Run("flags and spec params", func(t *testing.T) {
		spec := writeSpec(t, `{"plan":"demo","variant":"x","seed":1,"features":["age"],"params":{"folds":3,"C":0.5},"run_dir":"unused"}`)
		out := t.TempDir()
		r := runTrainer(bin, trainerEnv("KXRUN_SPEC="+spec), "--out", out, "--seed", "3")
		if r.err != nil {
			t.Fatal(r.err)
		}
		if len(r.out.CVScores) != 3 || r.out.Params["l2"] != 2.0 || r.out.Params["seed"] != 3.0 {
			t.Errorf("cv_scores %v params %v; want 3 folds, l2=2, seed 3", r.out.CVScores, r.out.Params)
		}
		if len(readNpy(t, filepath.Join(out, "test.npy"))) != testRows {
			t.Error("test.npy has the wrong length")
		}
	})

	t.Run("bad input exits 2", func(t *testing.T) {
		for name, env := range map[string][]string{
			"unknown feature": trainerEnv("KXRUN_SEED=1", "KXRUN_FEATURES=age,cabin"),
			"no features":     trainerEnv("KXRUN_SEED=1", "KXRUN_FEATURES="),
		} {
			r := runTrainer(bin, env)
			if r.exitCode != 2 {
				t.Errorf("%s: exit code %d, want 2", name, r.exitCode)
			}
			if r.stdout != "" {
				t.Errorf("%s: stdout %q, want nothing", name, r.stdout)
			}
			if !strings.Contains(r.stderr, "valid features") || !strings.Contains(r.stderr, "family_size") {
				t.Errorf("%s: stderr does not list the valid features: %s", name, r.stderr)
			}
		}
	})
}

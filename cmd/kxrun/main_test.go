package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kxrun/kxrun/internal/debpython"
)

// The test binary is also kxrun and the fake trainers the scripts run:
// testscript installs each as a program on PATH.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kxrun":       func() { os.Exit(Main(os.Args[1:])) },
		"faketrainer": func() { os.Exit(fakeTrainer(os.Args[1:])) },
	})
}

var demoTrainer string

// demoTrainerPath builds the example trainer once.
func demoTrainerPath(t *testing.T) string {
	t.Helper()
	if demoTrainer != "" {
		if _, err := os.Stat(demoTrainer); err == nil {
			return demoTrainer
		}
	}
	demoTrainer = filepath.Join(t.TempDir(), "demotrainer")
	if out, err := exec.Command("go", "build", "-o", demoTrainer, "../../examples/demotrainer").CombinedOutput(); err != nil {
		t.Fatalf("build demotrainer: %v\n%s", err, out)
	}
	return demoTrainer
}

func TestScripts(t *testing.T) {
	bin := filepath.Dir(demoTrainerPath(t))
	repo, _ := filepath.Abs("../..")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *updateScripts,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("REPO", repo)
			env.Setenv("GORACE", "atexit_sleep_ms=0")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond != "numpy" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return debpython.Available("numpy", "pandas")
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"jsonpath": cmdJSONPath,
			"csvcheck": cmdCSVCheck,
		},
	})
}

// cmdJSONPath checks a value in a JSON file:
//
//	jsonpath FILE PATH OP VALUE
//
// PATH is dot-separated (variants.2.gain), OP is one of == != > < ~ (equal
// within 1e-12), null or notnull (then no VALUE).
func cmdJSONPath(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: jsonpath FILE PATH OP [VALUE]")
	}
	var doc any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc); err != nil {
		ts.Fatalf("%s is not one JSON value: %v", args[0], err)
	}
	got := lookup(ts, doc, args[1])
	ok := compare(ts, got, args[2], args[3:])
	if ok == neg {
		ts.Fatalf("%s %s %s: got %v", args[1], args[2], strings.Join(args[3:], " "), got)
	}
}

func lookup(ts *testscript.TestScript, doc any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch v := doc.(type) {
		case map[string]any:
			doc = v[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				ts.Fatalf("no element %s in %s", part, path)
			}
			doc = v[i]
		default:
			ts.Fatalf("cannot index %T with %s", doc, part)
		}
	}
	return doc
}

func compare(ts *testscript.TestScript, got any, op string, rest []string) bool {
	switch op {
	case "null":
		return got == nil
	case "notnull":
		return got != nil
	}
	if len(rest) != 1 {
		ts.Fatalf("%s needs one value", op)
	}
	want := rest[0]
	if s, isString := got.(string); isString {
		switch op {
		case "==":
			return s == want
		case "!=":
			return s != want
		}
		ts.Fatalf("cannot compare the string %q with %s", s, op)
	}
	g, isNum := got.(float64)
	w, err := strconv.ParseFloat(want, 64)
	if !isNum || err != nil {
		ts.Fatalf("want numbers, got %v and %q", got, want)
	}
	switch op {
	case "==":
		return g == w
	case "!=":
		return g != w
	case ">":
		return g > w
	case "<":
		return g < w
	case "~":
		return math.Abs(g-w) <= 1e-12
	}
	ts.Fatalf("unknown operator %s", op)
	return false
}

// cmdCSVCheck recomputes the ablation summary from runs.csv, independently
// of kxrun's own code, and compares it with kxrun's JSON:
//
//	csvcheck RUNS_CSV SUMMARY_JSON
func cmdCSVCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: csvcheck RUNS_CSV SUMMARY_JSON")
	}
	if err := recomputeFromCSV(ts.MkAbs(args[0]), ts.MkAbs(args[1])); err != nil {
		ts.Fatalf("%v", err)
	}
}

// fakeTrainer is a trainer whose scores are known in advance: each feature
// adds the weight its name announces (strong_* 0.05, weak_* 0.005, anything
// else 0) to 0.6, plus a per-seed offset that cancels in same-seed gains.
// MODE (first argument) makes it misbehave in various ways instead.
func fakeTrainer(args []string) int {
	mode := "ok"
	if len(args) > 0 {
		mode = args[0]
	}
	features := strings.Split(os.Getenv("KXRUN_FEATURES"), ",")
	seed, _ := strconv.Atoi(os.Getenv("KXRUN_SEED"))
	score := 0.6 + float64(seed%7)*0.001
	for _, f := range features {
		switch {
		case strings.HasPrefix(f, "strong_"):
			score += 0.05
		case strings.HasPrefix(f, "weak_"):
			score += 0.005
		case strings.HasPrefix(f, "hurt_"):
			score -= 0.02
		}
	}
	// Interacting features: dup_* add 0.01 once however many there are
	// (redundant groups), pair_* add 0.01 only when 2 are present (groups
	// that help only together).
	dups, pairs := 0, 0
	for _, f := range features {
		if strings.HasPrefix(f, "dup_") {
			dups++
		}
		if strings.HasPrefix(f, "pair_") {
			pairs++
		}
	}
	if dups > 0 {
		score += 0.01
	}
	if pairs >= 2 {
		score += 0.01
	}
	if mode == "fail-on" && slices.Contains(features, args[1]) {
		mode = "crash"
	}
	if counter := os.Getenv("COUNT_DIR"); counter != "" {
		// One file per training run actually made, to prove cache hits.
		os.WriteFile(filepath.Join(counter, os.Getenv("KXRUN_RUN_NAME")+"."+strconv.Itoa(os.Getpid())), nil, 0o644)
	}
	if mode == "slow" {
		time.Sleep(200 * time.Millisecond)
	}
	if d, err := time.ParseDuration(os.Getenv("FAKE_SLEEP")); err == nil {
		time.Sleep(d) // a training time, in any mode
	}
	if dir := os.Getenv("STAMP_DIR"); dir != "" {
		// When the run was going, by the trainer's own clock, to measure
		// how many ran at once.
		start := time.Now()
		time.Sleep(400 * time.Millisecond)
		os.WriteFile(filepath.Join(dir, os.Getenv("KXRUN_RUN_NAME")), fmt.Appendf(nil, "%d %d", start.UnixNano(), time.Now().UnixNano()), 0o644)
	}
	if mode == "hang-once" {
		// Hangs on its first try (until killed), succeeds on the next.
		tried := filepath.Join(os.Getenv("TRY_DIR"), os.Getenv("KXRUN_RUN_NAME"))
		if _, err := os.Stat(tried); err != nil {
			os.WriteFile(tried, nil, 0o644)
			mode = "hang-tree"
		} else {
			mode = "ok"
		}
	}
	if v := os.Getenv("KXRUN_VARIANT"); mode == "by-variant" && strings.HasPrefix(v, "+") {
		mode = v[1:] // +nan behaves as nan, and so on
	}
	switch mode {
	case "fifo-result", "fifo-link", "fifo-oof":
		// A named pipe where kxrun reads after the run: opened blocking,
		// it would wait for a writer for good.
		dir := os.Getenv("KXRUN_RUN_DIR")
		target := map[string]string{"fifo-result": "result.json", "fifo-link": "elsewhere", "fifo-oof": "oof.npy"}[mode]
		if err := syscall.Mkfifo(filepath.Join(dir, target), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if mode == "fifo-link" {
			os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "result.json"))
		}
		if mode == "fifo-oof" {
			fmt.Println(`{"cv_scores": [0.5]}`)
		}
		return 0
	case "long-line":
		// A result line over the 16 MiB limit of stdout results.
		fmt.Print(`{"cv_scores": [0.5], "notes": "` + strings.Repeat("x", 17<<20) + "\"}\n")
		return 0
	case "py-dict":
		fmt.Println(`{'cv_scores': [0.5, 0.6]}`)
		return 0
	case "crash":
		fmt.Fprintln(os.Stderr, "KeyError: 'title'")
		return 1
	case "nan":
		fmt.Println(`{"cv_scores": [0.5, NaN]}`)
		return 0
	case "garbage":
		os.Stdout.Write([]byte("\x00\xff\xfe not json {\n"))
		return 0
	case "hang":
		select {}
	case "kill-parent":
		// Kills what started it (kxrun, or kxrun's worker in a Slurm job).
		syscall.Kill(os.Getppid(), syscall.SIGKILL)
		select {}
	case "hang-tree", "hang-leaf", "ignore-term":
		// Records its pid so a test can check it is gone afterwards; the
		// tree version also leaves a grandchild.
		if mode == "ignore-term" {
			signal.Ignore(syscall.SIGTERM)
		}
		// The Slurm job it runs in, if any, for a test to cancel: an array
		// task by its own name (the last task's SLURM_JOB_ID is the
		// array's, which scancel takes for the whole array).
		job := os.Getenv("SLURM_JOB_ID")
		if a := os.Getenv("SLURM_ARRAY_JOB_ID"); a != "" {
			job = a + "_" + os.Getenv("SLURM_ARRAY_TASK_ID")
		}
		os.WriteFile(filepath.Join(os.Getenv("PID_DIR"), strconv.Itoa(os.Getpid())), []byte(job), 0o644)
		if mode == "hang-tree" {
			exec.Command(os.Args[0], "hang-leaf").Start()
		}
		select {}
	}
	if mode == "noisy" {
		// Gaussian noise reproducible from the seed and the features: each
		// of 5 folds gets a per-seed fold offset that every variant shares,
		// N(0, FAKE_NOISE) of its own (default 0.002) and the run's shift,
		// N(0, FAKE_NOISE/2), so that fold differences between variants
		// correlate by 1/5, as the one-seed corrected test assumes.
		// Effects are the weights above.
		sigma, err := strconv.ParseFloat(os.Getenv("FAKE_NOISE"), 64)
		if err != nil {
			sigma = 0.002
		}
		h := fnv.New64a()
		fmt.Fprintf(h, "%d|%s", seed, strings.Join(features, ","))
		run, shared := rand.New(rand.NewPCG(h.Sum64(), 7)), rand.New(rand.NewPCG(uint64(seed), 11))
		score += run.NormFloat64() * sigma / 2
		folds := make([]float64, 5)
		for i := range folds {
			folds[i] = score + shared.NormFloat64()*0.01 + run.NormFloat64()*sigma
		}
		data, _ := json.Marshal(map[string]any{"cv_scores": folds})
		fmt.Println(string(data))
		return 0
	}
	folds := []float64{score - 0.01, score, score + 0.01}
	data, _ := json.Marshal(map[string]any{"cv_scores": folds, "notes": "features=" + strings.Join(features, "+")})
	fmt.Println(string(data))
	return 0
}

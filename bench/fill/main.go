// Command fill makes the history of the tracker-scale benchmark
// (bench/scale.sh). Two modes:
//
//	fill runs -dir D -n N -start P
//	    commits N realistic runs in-process with tracker.Commit, as runs
//	    P, P+1, ... of a long competition: sweeps of plans with failures
//	    and cancellations, manual logs, a few leaderboard scores. This is
//	    the fast middle of the history: a commit without a process start.
//
//	fill logs -kxrun BIN -dir D -n N -start P [-alt DIR] [-oof-list FILE]
//	    runs `BIN log ...` N times, one process per run, exactly as a user
//	    logs a run (scores, features, params, seed, sometimes an LB score,
//	    notes or a small OOF array), and prints the wall time and peak RSS
//	    of those processes. With -alt, every log into D is followed by one
//	    into the tracker DIR, so both are measured under the same noise.
//
// Everything is derived from the run's position P, so two invocations make
// the same history.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kxrun/kxrun/internal/npytest"
	"github.com/kxrun/kxrun/tracker"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "runs":
		err = runsMode(os.Args[2:])
	case "logs":
		err = logsMode(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fill:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: fill runs -dir D -n N -start P | fill logs -kxrun BIN -dir D -n N -start P [-alt DIR] [-oof-list FILE]")
	os.Exit(2)
}

// features is the vocabulary runs draw their feature lists from.
var features = func() []string {
	out := []string{"age", "fare", "sex", "pclass", "embarked", "sibsp", "parch", "family_size",
		"is_alone", "title", "cabin_deck", "cabin_known", "ticket_prefix", "ticket_freq", "fare_per_person",
		"age_bin", "fare_bin", "name_len", "title_x_class", "age_x_class"}
	for i := range 100 {
		out = append(out, fmt.Sprintf("te_%02d", i)) // target encodings
	}
	return out
}()

var (
	models   = []string{"lgb", "xgb", "cat", "logreg", "mlp"}
	tags     = []string{"baseline", "te", "tuned", "fe", "stack", "dart", "goss", "cleaned", "v2", "seedavg"}
	variants = []string{"all", "minus_family", "minus_title", "minus_cabin", "base", "plus_family", "plus_title", "plus_cabin"}
	reasons  = []string{
		"exit status 1: KeyError: 'title'",
		"exit status 1: ValueError: Input contains NaN",
		"killed by signal SIGKILL (out of memory?)",
		"timed out after 30m0s",
		"no result: the command printed no JSON object",
	}
)

// cvAt is a run's mean CV at position p: AUC creeping up over the
// competition, with noise.
func cvAt(rng *rand.Rand, p int) float64 {
	return 0.78 + 0.03*(1-math.Exp(-float64(p)/30000)) + 0.004*rng.NormFloat64()
}

func folds(rng *rand.Rand, mean float64, k int) []float64 {
	out := make([]float64, k)
	for i := range out {
		out[i] = math.Round((mean+0.005*rng.NormFloat64())*1e6) / 1e6
	}
	return out
}

func pickFeatures(rng *rand.Rand) []string {
	n := 8 + rng.IntN(53)
	idx := rng.Perm(len(features))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = features[j]
	}
	return out
}

func pickParams(rng *rand.Rand, model string) map[string]any {
	round := func(x float64, d float64) float64 { return math.Round(x*d) / d }
	p := map[string]any{
		"learning_rate":    round(0.01+0.09*rng.Float64(), 1e4),
		"n_estimators":     float64(500 + 100*rng.IntN(40)),
		"min_child_weight": round(rng.Float64()*10, 100),
	}
	switch model {
	case "lgb":
		p["num_leaves"] = float64(15 + rng.IntN(240))
		p["bagging"] = map[string]any{"fraction": round(0.6+0.4*rng.Float64(), 100), "freq": 1.0}
		p["feature_fraction"] = round(0.5+0.5*rng.Float64(), 100)
	case "xgb":
		p["max_depth"] = float64(3 + rng.IntN(8))
		p["subsample"] = round(0.6+0.4*rng.Float64(), 100)
	case "cat":
		p["depth"] = float64(4 + rng.IntN(7))
		p["l2_leaf_reg"] = round(1+9*rng.Float64(), 100)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// record is run p of the history, as a sweep, `kxrun run` or `kxrun log`
// would have logged it.
func record(p int, start time.Time) *tracker.Record {
	rng := rand.New(rand.NewPCG(uint64(p), 0x5ca1e))
	date := start.Add(time.Duration(p) * 90 * time.Second)
	model := models[rng.IntN(len(models))]
	params := pickParams(rng, model)
	rec := &tracker.Record{
		Date: date, Competition: "titanic", Status: "ok", Metric: "auc", Direction: "maximize",
		ModelType: model, Features: pickFeatures(rng), Params: params, ParamsHash: tracker.ParamsHash(params),
		StartedAt: date, Version: "bench",
	}
	switch kind := rng.IntN(100); {
	case kind < 70: // a sweep: 8 variants x 3 seeds of one plan
		sweep := p / 24
		plan := fmt.Sprintf("sweep%d", sweep)
		variant := variants[(p%24)/3]
		seed := int64([]int{42, 123, 456}[p%3])
		rec.Source, rec.Plan, rec.PlanFile, rec.Variant, rec.Seed = "ablation", plan, "plans/"+plan+".yaml", variant, &seed
		rec.Name = fmt.Sprintf("%s_%s_s%d", plan, variant, seed)
		rec.Command = []string{"python3", "train.py", "--model", model}
		rec.Workdir = "/home/kaggle/titanic"
		rec.Env = map[string]string{"OMP_NUM_THREADS": "1"}
		sum := sha256.Sum256(binary.LittleEndian.AppendUint64(nil, uint64(p)))
		rec.Fingerprint = hex.EncodeToString(sum[:16])
		rec.ResultSource, rec.Attempts = "stdout", 1
	case kind < 75:
		seed := int64(rng.IntN(1000))
		rec.Source, rec.Seed = "run", &seed
		rec.Name = fmt.Sprintf("%s_%s_run%d_s%d", model, tags[rng.IntN(len(tags))], p, seed)
		rec.Command = []string{"python3", "train.py"}
		rec.Workdir = "/home/kaggle/titanic"
	default:
		rec.Source = "log"
		rec.Name = logName(p, model, rng)
	}
	rec.DurationS = math.Round((5+600*rng.Float64())*1000) / 1000
	rec.FinishedAt = date.Add(time.Duration(rec.DurationS * float64(time.Second)))
	switch f := rng.IntN(1000); {
	case f < 40 && rec.Source != "log":
		rec.Status, rec.Reason = "failed", reasons[rng.IntN(len(reasons))]
		rec.ExitCode = ptr(1)
		rec.StderrTail = "Traceback (most recent call last):\n  File \"train.py\", line 88, in <module>\n    X = df[features]\n" + rec.Reason
		return rec
	case f < 45 && rec.Source != "log":
		rec.Status, rec.Reason, rec.Signal = "cancelled", "interrupted", "SIGTERM"
		return rec
	}
	if rec.Command != nil {
		rec.ExitCode = ptr(0)
	}
	rec.CVScores = folds(rng, cvAt(rng, p), 5)
	mean, std := meanStd(rec.CVScores)
	rec.CVScore, rec.CVStd = &mean, &std
	if rng.IntN(100) < 3 {
		rec.LBScore = ptr(math.Round((mean-0.008+0.003*rng.NormFloat64())*1e5) / 1e5)
	}
	if rng.IntN(10) == 0 {
		rec.Metrics = map[string]float64{"logloss": math.Round((0.45-0.5*(mean-0.78))*1e4) / 1e4}
	}
	return rec
}

func logName(p int, model string, rng *rand.Rand) string {
	return fmt.Sprintf("%s_%s_v%d", model, tags[rng.IntN(len(tags))], p)
}

// meanStd is numpy's mean and std (ddof 0) for a handful of values; the
// tracker stores what the caller computed.
func meanStd(xs []float64) (float64, float64) {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)))
}

var epoch = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func runsMode(args []string) error {
	fs := flag.NewFlagSet("runs", flag.ExitOnError)
	dir := fs.String("dir", "", "tracker directory")
	n := fs.Int("n", 0, "runs to commit")
	start := fs.Int("start", 1, "position of the first run in the history")
	fs.Parse(args)
	tr, err := tracker.Open(*dir)
	if err != nil {
		return err
	}
	t0 := time.Now()
	for i := range *n {
		if _, err := tr.Commit(record(*start+i, epoch), tracker.Files{}); err != nil {
			return err
		}
	}
	// As a process that ends after many commits does: the next kxrun then
	// starts from the summary instead of reading the history.
	if err := tr.Flush(); err != nil {
		return err
	}
	el := time.Since(t0)
	fmt.Printf("runs %d %.3f %.3f\n", *n, el.Seconds(), el.Seconds()*1000/float64(max(1, *n)))
	return nil
}

// logArgs are the flags of `kxrun log` for the run at position p; with
// oofDir set, an OOF array is written there for it first.
func logArgs(p int, dir, oofDir string) ([]string, error) {
	rng := rand.New(rand.NewPCG(uint64(p), 0x106))
	model := models[rng.IntN(len(models))]
	name := logName(p, model, rng)
	cv := folds(rng, cvAt(rng, p), 5)
	cvText := make([]string, len(cv))
	for i, c := range cv {
		cvText[i] = strconv.FormatFloat(c, 'f', -1, 64)
	}
	params, err := json.Marshal(pickParams(rng, model))
	if err != nil {
		return nil, err
	}
	args := []string{"log", "--dir", dir, "--name", name, "--cv", strings.Join(cvText, ","),
		"--features", strings.Join(pickFeatures(rng), ","), "--params", string(params),
		"--model", model, "--metric", "auc", "--competition", "titanic",
		"--seed", strconv.Itoa(rng.IntN(1000))}
	if rng.IntN(10) == 0 {
		args = append(args, "--lb", strconv.FormatFloat(math.Round((cv[0]-0.008)*1e5)/1e5, 'f', -1, 64))
	}
	if rng.IntN(7) == 0 {
		args = append(args, "--notes", "target encoding with 5-fold smoothing; "+tags[rng.IntN(len(tags))])
	}
	if oofDir != "" && p%100 == 50 {
		path := filepath.Join(oofDir, fmt.Sprintf("oof_%d.npy", p))
		if err := writeNpy(path, rng, 5000); err != nil {
			return nil, err
		}
		args = append(args, "--oof", path)
	}
	return args, nil
}

// writeNpy writes n predictions in [0, 1] as a float64 .npy.
func writeNpy(path string, rng *rand.Rand, n int) error {
	values := make([]float64, n)
	for i := range values {
		values[i] = 1 / (1 + math.Exp(-1.5*rng.NormFloat64()))
	}
	return npytest.WriteFloat64(path, values)
}

type sample struct {
	wall   time.Duration
	rssKiB int64
}

func logsMode(args []string) error {
	fs := flag.NewFlagSet("logs", flag.ExitOnError)
	bin := fs.String("kxrun", "", "the kxrun binary")
	dir := fs.String("dir", "", "tracker directory")
	alt := fs.String("alt", "", "a second tracker, logged into alternately (positions 1..N)")
	n := fs.Int("n", 0, "runs to log")
	start := fs.Int("start", 1, "position of the first run in the history")
	oofList := fs.String("oof-list", "", "append the names of runs logged with an OOF array to this file")
	fs.Parse(args)
	// The arrays go beside the tracker, in the benchmark's own directory.
	oofDir, err := os.MkdirTemp(filepath.Dir(filepath.Clean(*dir)), "oof-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(oofDir)

	type job struct {
		args []string
		alt  bool
	}
	// Arguments and arrays are made before the clock starts: they are
	// the user's work, not kxrun's.
	var jobs []job
	var oofNames []string
	for i := range *n {
		a, err := logArgs(*start+i, *dir, oofDir)
		if err != nil {
			return err
		}
		if slices.Contains(a, "--oof") {
			oofNames = append(oofNames, a[slices.Index(a, "--name")+1])
		}
		jobs = append(jobs, job{args: a})
		if *alt != "" {
			b, err := logArgs(1+i, *alt, oofDir)
			if err != nil {
				return err
			}
			jobs = append(jobs, job{args: b, alt: true})
		}
	}
	var main, other []sample
	for _, j := range jobs {
		cmd := exec.Command(*bin, j.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		s := sample{wall: time.Since(t0)}
		if err != nil {
			return fmt.Errorf("kxrun %s: %v: %s", strings.Join(j.args[:5], " "), err, stderr.String())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.rssKiB = ru.Maxrss
		}
		if j.alt {
			other = append(other, s)
		} else {
			main = append(main, s)
		}
	}
	if *oofList != "" && len(oofNames) > 0 {
		f, err := os.OpenFile(*oofList, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		fmt.Fprintln(f, strings.Join(oofNames, "\n"))
		if err := f.Close(); err != nil {
			return err
		}
	}
	printStats("main", main)
	if *alt != "" {
		printStats("alt", other)
	}
	return nil
}

// printStats prints: label count total_s mean_ms median_ms p90_ms max_rss_kib.
func printStats(label string, xs []sample) {
	if len(xs) == 0 {
		return
	}
	walls := make([]float64, len(xs))
	total, rss := 0.0, int64(0)
	for i, s := range xs {
		walls[i] = s.wall.Seconds() * 1000
		total += walls[i]
		rss = max(rss, s.rssKiB)
	}
	slices.Sort(walls)
	q := func(f float64) float64 { return walls[min(len(walls)-1, int(f*float64(len(walls))))] }
	fmt.Printf("%s %d %.3f %.3f %.3f %.3f %d\n", label, len(xs), total/1000, total/float64(len(xs)), q(0.5), q(0.9), rss)
}

// Command demotrainer is the example trainer bundled with kxrun. It follows
// the kxrun trainer protocol: it reads the run's seed and feature set from
// KXRUN_* variables (or flags), fits an L2-regularised logistic regression on
// a deterministic synthetic data set with stratified k-fold CV, writes
// oof.npy and test.npy into the run directory, and prints one JSON line
// with the per-fold ROC AUC on stdout. Progress goes to stderr.
//
// The data set has feature groups of known strength (see data.go), so
// `kxrun ablation plans/demo.yaml` has a known answer to show.
//
// Standalone use:
//
//	demotrainer --features age,fare,sex,sibsp,parch --seed 42 --folds 5 --c 1 --out /tmp/run
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
)

func main() {
	os.Exit(run(os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr))
}

// usageError marks bad input (flags, env, spec, feature names): exit 2, as
// distinct from a failure while training or writing (exit 1).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

type config struct {
	features []string
	seed     int64
	folds    int
	l2       float64
	outDir   string // "" means: write no prediction files
}

// result is the JSON line kxrun parses; it must be the only stdout output.
type result struct {
	CVScores []float64 `json:"cv_scores"`
	OOF      string    `json:"oof,omitempty"`
	Test     string    `json:"test,omitempty"`
	Params   params    `json:"params"`
	Metrics  metrics   `json:"metrics"`
	Notes    string    `json:"notes"`
}

type params struct {
	Folds   int     `json:"folds"`
	L2      float64 `json:"l2"`
	Seed    int64   `json:"seed"`
	MaxIter int     `json:"max_iter"`
	Tol     float64 `json:"tol"`
}

type metrics struct {
	TrainRows  int     `json:"train_rows"`
	TestRows   int     `json:"test_rows"`
	NFeatures  int     `json:"n_features"`
	Iterations int     `json:"iterations"` // Newton iterations, all folds
	CVMean     float64 `json:"cv_mean"`
	CVStd      float64 `json:"cv_std"`
	OOFAUC     float64 `json:"oof_auc"`
	// TestAUC exists only because the demo's test labels are synthetic;
	// it lets a user check that CV gains carry over to unseen rows.
	TestAUC float64 `json:"test_auc"`
}

func run(args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	cfg, err := configure(args, lookupEnv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "demotrainer: %v\n", err)
		if _, ok := errors.AsType[usageError](err); ok {
			return 2
		}
		return 1
	}
	res, err := train(cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "demotrainer: %v\n", err)
		return 1
	}
	line, err := json.Marshal(res)
	if err != nil {
		fmt.Fprintf(stderr, "demotrainer: encoding result: %v\n", err)
		return 1
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		fmt.Fprintf(stderr, "demotrainer: writing result: %v\n", err)
		return 1
	}
	return 0
}

// configure resolves the run's settings. Precedence, lowest first:
// defaults, the KXRUN_SPEC file, KXRUN_* variables, flags.
func configure(args []string, lookupEnv func(string) (string, bool), stderr io.Writer) (config, error) {
	cfg := config{seed: 42, folds: 5, l2: defaultFitOptions.l2}
	var featureList string
	haveFeatures := false

	if path, ok := lookupEnv("KXRUN_SPEC"); ok && path != "" {
		if err := applySpec(&cfg, path, stderr); err != nil {
			return cfg, err
		}
		haveFeatures = cfg.features != nil
	}
	if v, ok := lookupEnv("KXRUN_SEED"); ok {
		s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return cfg, usagef("KXRUN_SEED=%q is not an integer", v)
		}
		cfg.seed = s
	}
	// Set-but-empty KXRUN_FEATURES means "no features", not "use the spec".
	if v, ok := lookupEnv("KXRUN_FEATURES"); ok {
		featureList, haveFeatures = v, true
		cfg.features = nil
	}
	if v, ok := lookupEnv("KXRUN_RUN_DIR"); ok && v != "" {
		cfg.outDir = v
	}

	fs := flag.NewFlagSet("demotrainer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fFeatures := fs.String("features", "", "comma-separated feature names (overrides KXRUN_FEATURES)")
	fSeed := fs.Int64("seed", cfg.seed, "fold-shuffle seed (overrides KXRUN_SEED)")
	fFolds := fs.Int("folds", cfg.folds, "number of stratified CV folds")
	fC := fs.Float64("c", 0, "inverse L2 strength, as scikit-learn's C (l2 = 1/C)")
	fL2 := fs.Float64("l2", cfg.l2, "L2 penalty on the standardized coefficients")
	fOut := fs.String("out", cfg.outDir, "directory for oof.npy and test.npy (overrides KXRUN_RUN_DIR)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: demotrainer [flags]\n\nvalid features: %s\n\nflags:\n", validFeatures())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return cfg, usagef("unexpected arguments: %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["features"] {
		featureList, haveFeatures = *fFeatures, true
		cfg.features = nil
	}
	cfg.seed, cfg.folds, cfg.outDir = *fSeed, *fFolds, *fOut
	switch {
	case set["c"] && set["l2"]:
		return cfg, usagef("give --c or --l2, not both")
	case set["c"]:
		if !(*fC > 0) || math.IsInf(*fC, 0) {
			return cfg, usagef("--c must be a positive number, got %v", *fC)
		}
		cfg.l2 = 1 / *fC
	case set["l2"]:
		cfg.l2 = *fL2
	}

	if cfg.features == nil {
		cfg.features = splitFeatures(featureList)
	}
	if !haveFeatures || len(cfg.features) == 0 {
		return cfg, usagef("no features given (set KXRUN_FEATURES or --features); valid features: %s", validFeatures())
	}
	if err := checkFeatures(cfg.features); err != nil {
		return cfg, err
	}
	if cfg.folds < 2 {
		return cfg, usagef("folds must be >= 2, got %d", cfg.folds)
	}
	if cfg.l2 < 0 || math.IsNaN(cfg.l2) || math.IsInf(cfg.l2, 0) {
		return cfg, usagef("l2 must be a finite number >= 0, got %v", cfg.l2)
	}
	return cfg, nil
}

// applySpec reads kxrun's run spec. Its seed, features and run_dir are only
// fallbacks (kxrun also sets them in the environment); params is the only
// place the plan's model parameters arrive.
func applySpec(cfg *config, path string, stderr io.Writer) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return usagef("reading KXRUN_SPEC: %v", err)
	}
	var spec struct {
		Seed     *int64                     `json:"seed"`
		Features []string                   `json:"features"`
		RunDir   string                     `json:"run_dir"`
		Params   map[string]json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return usagef("parsing KXRUN_SPEC %s: %v", path, err)
	}
	if spec.Seed != nil {
		cfg.seed = *spec.Seed
	}
	if spec.Features != nil {
		cfg.features = spec.Features
	}
	if spec.RunDir != "" {
		cfg.outDir = spec.RunDir
	}

	num := func(key string) (float64, error) {
		var v float64
		if err := json.Unmarshal(spec.Params[key], &v); err != nil {
			return 0, usagef("spec params.%s must be a number, got %s", key, spec.Params[key])
		}
		return v, nil
	}
	_, hasL2 := spec.Params["l2"]
	_, hasC := spec.Params["C"]
	if hasL2 && hasC {
		return usagef("spec params: give l2 or C, not both")
	}
	for key := range spec.Params {
		switch key {
		case "folds":
			v, err := num(key)
			if err != nil {
				return err
			}
			if v != math.Trunc(v) || v < 2 || v > 1000 {
				return usagef("spec params.folds must be an integer >= 2, got %v", v)
			}
			cfg.folds = int(v)
		case "l2":
			v, err := num(key)
			if err != nil {
				return err
			}
			cfg.l2 = v
		case "C":
			v, err := num(key)
			if err != nil {
				return err
			}
			if !(v > 0) || math.IsInf(v, 0) {
				return usagef("spec params.C must be a positive number, got %v", v)
			}
			cfg.l2 = 1 / v
		default:
			// A plan may carry params meant for other trainers; say so
			// rather than fail, so a typo is still visible.
			fmt.Fprintf(stderr, "demotrainer: ignoring unknown param %q\n", key)
		}
	}
	return nil
}

func splitFeatures(list string) []string {
	var out []string
	for f := range strings.SplitSeq(list, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func checkFeatures(names []string) error {
	seen := map[string]bool{}
	var unknown []string
	for _, f := range names {
		if _, ok := columnIndex(f); !ok {
			unknown = append(unknown, f)
		}
		if seen[f] {
			return usagef("feature %q given twice", f)
		}
		seen[f] = true
	}
	if len(unknown) > 0 {
		return usagef("unknown feature(s) %s; valid features: %s", strings.Join(unknown, ", "), validFeatures())
	}
	return nil
}

// train runs the cross-validation and writes the prediction files.
func train(cfg config, stderr io.Writer) (*result, error) {
	// Catalog order, not the order given, so that a feature set gives the
	// same result however it is spelled.
	var cols []int
	for j, f := range catalog {
		for _, name := range cfg.features {
			if name == f.name {
				cols = append(cols, j)
			}
		}
	}
	data := generate()
	xTrain := selectColumns(data.xTrain, cols)
	xTest := selectColumns(data.xTest, cols)
	y := data.yTrain

	fold, err := stratifiedFolds(y, cfg.folds, cfg.seed)
	if err != nil {
		return nil, err
	}
	opt := defaultFitOptions
	opt.l2 = cfg.l2

	oof := make([]float64, len(y))
	testPred := make([]float64, len(xTest))
	scores := make([]float64, cfg.folds)
	iterations := 0
	for k := range cfg.folds {
		var trX, vaX [][]float64
		var trY, vaY []float64
		var vaIdx []int
		for i, f := range fold {
			if f == k {
				vaX, vaY, vaIdx = append(vaX, xTrain[i]), append(vaY, y[i]), append(vaIdx, i)
			} else {
				trX, trY = append(trX, xTrain[i]), append(trY, y[i])
			}
		}
		m, err := fitLogReg(trX, trY, opt)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", k+1, err)
		}
		if !m.converged {
			fmt.Fprintf(stderr, "demotrainer: fold %d: not converged after %d iterations\n", k+1, m.iterations)
		}
		iterations += m.iterations
		pred := m.predict(vaX)
		for r, i := range vaIdx {
			oof[i] = pred[r]
		}
		if scores[k], err = rocAUC(pred, vaY); err != nil {
			return nil, fmt.Errorf("fold %d: %w", k+1, err)
		}
		for i, p := range m.predict(xTest) {
			testPred[i] += p / float64(cfg.folds)
		}
		fmt.Fprintf(stderr, "fold %d/%d: auc=%.5f train=%d valid=%d iters=%d\n",
			k+1, cfg.folds, scores[k], len(trY), len(vaY), m.iterations)
	}

	res := &result{
		CVScores: scores,
		Params: params{Folds: cfg.folds, L2: cfg.l2, Seed: cfg.seed,
			MaxIter: opt.maxIter, Tol: opt.tol},
		Notes: fmt.Sprintf("L2 logistic regression (Newton) on %d standardized features, %d-fold stratified CV, synthetic data",
			len(cols), cfg.folds),
	}
	res.Metrics = metrics{TrainRows: len(y), TestRows: len(xTest), NFeatures: len(cols), Iterations: iterations}
	res.Metrics.CVMean, res.Metrics.CVStd = meanStd(scores)
	if res.Metrics.OOFAUC, err = rocAUC(oof, y); err != nil {
		return nil, err
	}
	if res.Metrics.TestAUC, err = rocAUC(testPred, data.yTest); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "cv auc %.5f ± %.5f (oof %.5f) on %d features, seed %d\n",
		res.Metrics.CVMean, res.Metrics.CVStd, res.Metrics.OOFAUC, len(cols), cfg.seed)

	if cfg.outDir == "" {
		fmt.Fprintln(stderr, "demotrainer: no --out or KXRUN_RUN_DIR: not writing oof.npy/test.npy")
		return res, nil
	}
	if res.OOF, err = writeNpy(cfg.outDir, "oof.npy", oof); err != nil {
		return nil, err
	}
	if res.Test, err = writeNpy(cfg.outDir, "test.npy", testPred); err != nil {
		return nil, err
	}
	return res, nil
}

// writeNpy writes v as a float64 array of shape (len(v),) and returns the
// file's absolute path, which is valid whatever kxrun's working directory.
func writeNpy(dir, name string, v []float64) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := npy.Write(f, v); err != nil {
		f.Close()
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

// meanStd returns the mean and the sample standard deviation.
func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)-1))
}

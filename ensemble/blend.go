package ensemble

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/optimize"

	"github.com/kxrun/kxrun/metrics"
	"github.com/kxrun/kxrun/stats"
)

// Methods of blending.
const (
	Hill     = "hill"
	Mean     = "mean"
	Rank     = "rank"
	Optimize = "optimize"
)

// Methods lists the blending methods.
var Methods = []string{Hill, Mean, Rank, Optimize}

// Arrays are one member's predictions, row-major with Cols columns.
type Arrays struct {
	OOF, Test []float64
}

// Options configure a blend.
type Options struct {
	Method     string
	Weights    []float64 // mean: given weights (nil: equal)
	Metric     *metrics.Metric
	Init       int // hill: start from the best Init members (default 1)
	MaxMembers int // hill: additions after the start (default 50)
	// Folds are the fold index of each OOF row for the honest score; nil
	// means a seeded K-fold split of the rows.
	Folds []int
	K     int    // folds of the seeded split (default 5)
	Seed  uint64 // of the seeded split
	// Workers score candidates in parallel (default GOMAXPROCS).
	Workers int
}

// Step is one addition of hill climbing.
type Step struct {
	Member int     `json:"member"`
	Score  float64 `json:"score"`
}

// Result is a blend.
type Result struct {
	Weights  []float64 // per member, summing to 1
	Counts   []int     // hill: times each member was picked
	Path     []Step    // hill: every addition tried, the start included
	Kept     int       // hill: steps of Path kept (the best prefix)
	OOF      []float64 // the blended OOF predictions
	Test     []float64 // the blended test predictions
	InSample float64   // the metric of OOF, weights chosen on the same rows
	// Honest is the metric of the held-out blend: each part's rows blended
	// with weights chosen on the other parts.
	Honest       float64
	HonestFolds  []float64 // the metric on each held-out part
	FoldsFrom    string    // "runs" (the members' shared folds) or "seeded k-fold"
	BestSingle   int       // the member with the best metric on all rows
	SingleScores []float64 // each member's metric on all rows
}

// Blend blends members' arrays against labels y (cols columns per row).
func Blend(y []float64, members []Arrays, cols int, opts Options) (*Result, error) {
	if len(members) == 0 {
		return nil, errors.New("no runs to blend")
	}
	opts = withDefaults(opts)
	m := opts.Metric
	res := &Result{SingleScores: make([]float64, len(members))}
	for i, a := range members {
		s, err := m.Eval(y, a.OOF, cols)
		if err != nil {
			return nil, fmt.Errorf("member %d: %w", i+1, err)
		}
		res.SingleScores[i] = s
		if i == 0 || m.Better(s, res.SingleScores[res.BestSingle]) {
			res.BestSingle = i
		}
	}
	oofs := make([][]float64, len(members))
	for i, a := range members {
		oofs[i] = a.OOF
	}
	if opts.Method == Rank {
		for i := range oofs {
			oofs[i] = rankScaled(oofs[i], cols)
		}
	}
	fit, err := weightsOf(y, oofs, cols, opts)
	if err != nil {
		return nil, err
	}
	res.Weights, res.Counts, res.Path, res.Kept = fit.weights, fit.counts, fit.path, fit.kept
	res.OOF = weighted(oofs, res.Weights)
	if res.InSample, err = m.Eval(y, res.OOF, cols); err != nil {
		return nil, err
	}
	tests := make([][]float64, len(members))
	for i, a := range members {
		tests[i] = a.Test
		if opts.Method == Rank {
			tests[i] = rankScaled(a.Test, cols)
		}
	}
	res.Test = weighted(tests, res.Weights)

	folds, from := opts.Folds, "runs"
	if folds == nil {
		folds, from = KFold(y, m.Classes, opts.K, opts.Seed), "seeded k-fold"
	}
	res.FoldsFrom = from
	if err := honest(y, oofs, cols, folds, opts, res); err != nil {
		return nil, err
	}
	return res, nil
}

func withDefaults(o Options) Options {
	if o.Method == "" {
		o.Method = Hill
	}
	if o.Init < 1 {
		o.Init = 1
	}
	if o.MaxMembers < 1 {
		o.MaxMembers = 50
	}
	if o.K < 2 {
		o.K = 5
	}
	if o.Workers < 1 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

type fitted struct {
	weights []float64
	counts  []int
	path    []Step
	kept    int
}

// weightsOf chooses the weights of the members on the rows given.
func weightsOf(y []float64, oofs [][]float64, cols int, opts Options) (fitted, error) {
	n := len(oofs)
	switch opts.Method {
	case Mean, Rank:
		if opts.Weights == nil {
			w := make([]float64, n)
			for i := range w {
				w[i] = 1 / float64(n)
			}
			return fitted{weights: w}, nil
		}
		return fitted{weights: normalised(opts.Weights)}, nil
	case Hill:
		return hillClimb(y, oofs, cols, opts)
	case Optimize:
		return optimised(y, oofs, cols, opts)
	}
	return fitted{}, fmt.Errorf("unknown method %q", opts.Method)
}

func normalised(w []float64) []float64 {
	var s float64
	for _, v := range w {
		s += v
	}
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = v / s
	}
	return out
}

// weighted is sum_i w[i] * arrays[i]; members with weight 0 are skipped.
func weighted(arrays [][]float64, w []float64) []float64 {
	out := make([]float64, len(arrays[0]))
	for i, a := range arrays {
		if w[i] == 0 {
			continue
		}
		for j, v := range a {
			out[j] += w[i] * v
		}
	}
	return out
}

// rankScaled turns each column into its ranks (ties averaged) scaled to
// [0, 1]: (rank - 1) / (n - 1).
func rankScaled(a []float64, cols int) []float64 {
	n := len(a) / cols
	out := make([]float64, len(a))
	col := make([]float64, n)
	for c := range cols {
		for i := range n {
			col[i] = a[i*cols+c]
		}
		r := stats.Ranks(col)
		for i := range n {
			if n > 1 {
				out[i*cols+c] = (r[i] - 1) / float64(n-1)
			}
		}
	}
	return out
}

// hillClimb is Caruana's ensemble selection with replacement: start from
// the best Init members, add at every step the member (again, if it is the
// best) whose addition gives the best score, MaxMembers times, and keep
// the best prefix of that path. Ties go to the lower member index.
func hillClimb(y []float64, oofs [][]float64, cols int, opts Options) (fitted, error) {
	m := opts.Metric
	// For AUC the rows are split by label once, so that a candidate's
	// score needs no blended array and no full sort (metrics.AUCBlend).
	auc := m.Name == "auc" && cols == 1
	var pos, neg []int32
	if auc {
		for i, v := range y {
			switch v {
			case 1:
				pos = append(pos, int32(i))
			case 0:
				neg = append(neg, int32(i))
			default:
				return fitted{}, fmt.Errorf("auc wants labels 0 and 1; row %d is %v", i, v)
			}
		}
	}
	score := func(sum, add []float64, k float64, w *worker) (float64, error) {
		if auc {
			return metrics.AUCBlend(sum, add, k, pos, neg, &w.auc)
		}
		return m.ScoreSum(y, sum, add, k, cols, w.buf)
	}
	size := len(y) * cols
	ws := make([]*worker, min(opts.Workers, len(oofs)))
	for i := range ws {
		ws[i] = newWorker(size)
	}
	single := make([]float64, len(oofs))
	sum := make([]float64, size) // the running sum of the members picked
	if err := parallel(len(oofs), ws, func(c int, w *worker) error {
		s, err := score(sum, oofs[c], 1, w)
		single[c] = s
		return err
	}); err != nil {
		return fitted{}, err
	}
	order := make([]int, len(oofs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case m.Better(single[a], single[b]):
			return -1
		case m.Better(single[b], single[a]):
			return 1
		}
		return 0
	})
	counts := make([]int, len(oofs))
	var path []Step
	k := 0
	for _, c := range order[:min(opts.Init, len(order))] {
		s, err := score(sum, oofs[c], float64(k+1), ws[0])
		if err != nil {
			return fitted{}, err
		}
		add(sum, oofs[c])
		k++
		counts[c]++
		path = append(path, Step{Member: c, Score: s})
	}
	best, kept := path[len(path)-1].Score, len(path)
	cand := make([]float64, len(oofs))
	for range opts.MaxMembers {
		if err := parallel(len(oofs), ws, func(c int, w *worker) error {
			s, err := score(sum, oofs[c], float64(k+1), w)
			cand[c] = s
			return err
		}); err != nil {
			return fitted{}, err
		}
		pick := 0
		for c := range cand {
			if m.Better(cand[c], cand[pick]) {
				pick = c
			}
		}
		add(sum, oofs[pick])
		k++
		path = append(path, Step{Member: pick, Score: cand[pick]})
		if m.Better(cand[pick], best) {
			best, kept = cand[pick], len(path)
		}
	}
	clear(counts)
	for _, st := range path[:kept] {
		counts[st.Member]++
	}
	wts := make([]float64, len(oofs))
	for i, c := range counts {
		wts[i] = float64(c) / float64(kept)
	}
	return fitted{weights: wts, counts: counts, path: path, kept: kept}, nil
}

func add(sum, a []float64) {
	for i, v := range a {
		sum[i] += v
	}
}

// worker is one goroutine's scratch memory: a blend buffer, and the AUC
// keys. Memory stays at one of each per worker, whatever the number of
// candidates.
type worker struct {
	buf []float64
	auc metrics.AUCScratch
}

func newWorker(size int) *worker { return &worker{buf: make([]float64, size)} }

// parallel calls f for 0..n-1 on one goroutine per worker.
func parallel(n int, ws []*worker, f func(i int, w *worker) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for _, w := range ws[:min(len(ws), n)] {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				errs[i] = f(i, w)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// optimised finds non-negative weights summing to 1 that optimise the
// metric: the weights are the softmax of unconstrained parameters, which
// Nelder-Mead (no gradient: AUC and accuracy have none) minimises from
// equal weights.
func optimised(y []float64, oofs [][]float64, cols int, opts Options) (fitted, error) {
	m := opts.Metric
	sign := 1.0
	if m.Maximize {
		sign = -1
	}
	buf := make([]float64, len(y)*cols)
	var evalErr error
	f := func(z []float64) float64 {
		w := softmax(z)
		clear(buf)
		for i, a := range oofs {
			for j, v := range a {
				buf[j] += w[i] * v
			}
		}
		s, err := m.Eval(y, buf, cols)
		if err != nil {
			evalErr = err
			return math.Inf(1)
		}
		return sign * s
	}
	z0 := make([]float64, len(oofs))
	settings := &optimize.Settings{FuncEvaluations: 200 * (len(oofs) + 1),
		Converger: &optimize.FunctionConverge{Absolute: 1e-12, Iterations: 50}}
	r, err := optimize.Minimize(optimize.Problem{Func: f}, z0, settings, &optimize.NelderMead{})
	if evalErr != nil {
		return fitted{}, evalErr
	}
	if err != nil && r == nil {
		return fitted{}, fmt.Errorf("optimize: %w", err)
	}
	return fitted{weights: softmax(r.X)}, nil
}

func softmax(z []float64) []float64 {
	mx := slices.Max(z)
	w := make([]float64, len(z))
	var s float64
	for i, v := range z {
		w[i] = math.Exp(v - mx)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// KFold assigns the rows of labels y to k parts at random (seeded): the
// rows shuffled, the i-th in part i mod k. With stratified set the rows
// are shuffled class by class (classes in ascending order) with the count
// running on, so every part has its share of each class, as a classifier's
// metric needs (AUC is undefined on a part with one class).
func KFold(y []float64, stratified bool, k int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	groups := [][]int{make([]int, len(y))}
	if stratified {
		byClass := map[float64][]int{}
		for i, v := range y {
			byClass[v] = append(byClass[v], i)
		}
		groups = groups[:0]
		for _, c := range slices.Sorted(maps.Keys(byClass)) {
			groups = append(groups, byClass[c])
		}
	} else {
		for i := range groups[0] {
			groups[0][i] = i
		}
	}
	folds := make([]int, len(y))
	i := 0
	for _, g := range groups {
		for _, j := range r.Perm(len(g)) {
			folds[g[j]] = i % k
			i++
		}
	}
	return folds
}

// honest chooses weights on every part's complement and blends the part
// with them: the held-out blend, scored as a whole and part by part.
func honest(y []float64, oofs [][]float64, cols int, folds []int, opts Options, res *Result) error {
	m := opts.Metric
	parts := slices.Compact(slices.Sorted(slices.Values(folds)))
	held := make([]float64, len(y)*cols)
	res.HonestFolds = nil
	for _, f := range parts {
		var in, out []int
		for i, v := range folds {
			if v == f {
				out = append(out, i)
			} else {
				in = append(in, i)
			}
		}
		if len(in) == 0 {
			return errors.New("the honest score needs at least two folds")
		}
		fit, err := weightsOf(pick(y, in, 1), pickAll(oofs, in, cols), cols, opts)
		if err != nil {
			return fmt.Errorf("fold %d: %w", f, err)
		}
		blend := weighted(pickAll(oofs, out, cols), fit.weights)
		for j, r := range out {
			copy(held[r*cols:(r+1)*cols], blend[j*cols:(j+1)*cols])
		}
		s, err := m.Eval(pick(y, out, 1), blend, cols)
		if err != nil {
			return fmt.Errorf("fold %d: %w", f, err)
		}
		res.HonestFolds = append(res.HonestFolds, s)
	}
	var err error
	res.Honest, err = m.Eval(y, held, cols)
	return err
}

func pick(a []float64, rows []int, cols int) []float64 {
	out := make([]float64, 0, len(rows)*cols)
	for _, r := range rows {
		out = append(out, a[r*cols:(r+1)*cols]...)
	}
	return out
}

func pickAll(arrays [][]float64, rows []int, cols int) [][]float64 {
	out := make([][]float64, len(arrays))
	for i, a := range arrays {
		out[i] = pick(a, rows, cols)
	}
	return out
}

// Selection is the outcome of hill climbing alone.
type Selection struct {
	Counts []int
	Path   []Step
	Kept   int
}

// HillClimb runs hill climbing alone on the rows given (no honest score,
// no test arrays): what the benchmark against numpy times.
func HillClimb(y []float64, oofs [][]float64, cols int, opts Options) (*Selection, error) {
	opts = withDefaults(opts)
	f, err := hillClimb(y, oofs, cols, opts)
	if err != nil {
		return nil, err
	}
	return &Selection{Counts: f.counts, Path: f.path, Kept: f.kept}, nil
}

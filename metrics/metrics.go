package metrics

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Func scores predictions p (len(y)*cols values, row-major) against
// labels y.
type Func func(y, p []float64, cols int) (float64, error)

// Metric is a score kxrun can compute.
type Metric struct {
	Name     string
	Maximize bool // higher is better
	// MultiColumn: the metric takes 2-D predictions (one column per class).
	// Metrics without it want 1-D predictions only, except that accuracy
	// and qwk take the argmax of 2-D ones.
	MultiColumn bool
	// Classes: the labels are classes (a split of the rows is stratified
	// by them).
	Classes bool
	Score   Func
}

// Direction is "maximize" or "minimize", as plans spell it.
func (m *Metric) Direction() string {
	if m.Maximize {
		return "maximize"
	}
	return "minimize"
}

// Better reports whether score a is strictly better than b.
func (m *Metric) Better(a, b float64) bool {
	if m.Maximize {
		return a > b
	}
	return a < b
}

var all = []*Metric{
	{Name: "auc", Maximize: true, Classes: true, Score: AUC},
	{Name: "logloss", Classes: true, Score: LogLoss, MultiColumn: true},
	{Name: "multi_logloss", Classes: true, Score: MultiLogLoss, MultiColumn: true},
	{Name: "rmse", Score: RMSE},
	{Name: "rmsle", Score: RMSLE},
	{Name: "mae", Score: MAE},
	{Name: "r2", Maximize: true, Score: R2},
	{Name: "accuracy", Maximize: true, Classes: true, Score: Accuracy, MultiColumn: true},
	{Name: "f1", Maximize: true, Classes: true, Score: F1},
	{Name: "qwk", Maximize: true, Classes: true, Score: QWK, MultiColumn: true},
}

// Names lists the metrics kxrun computes.
func Names() []string {
	out := make([]string, len(all))
	for i, m := range all {
		out[i] = m.Name
	}
	return out
}

// Lookup finds a metric by name (case-insensitive); nil when kxrun cannot
// compute it.
func Lookup(name string) *Metric {
	for _, m := range all {
		if strings.EqualFold(m.Name, name) {
			return m
		}
	}
	return nil
}

// UnknownError says a metric is not one kxrun computes.
type UnknownError struct{ Name string }

func (e *UnknownError) Error() string {
	if e.Name == "" {
		return "no metric given; kxrun computes " + strings.Join(Names(), ", ")
	}
	return fmt.Sprintf("kxrun cannot compute metric %q; it computes %s", e.Name, strings.Join(Names(), ", "))
}

// Get is Lookup with an error for an unknown name.
func Get(name string) (*Metric, error) {
	if m := Lookup(name); m != nil {
		return m, nil
	}
	return nil, &UnknownError{Name: name}
}

// Eval scores predictions with shape checks: len(p) must be len(y)*cols,
// and a 1-D metric refuses 2-D predictions.
func (m *Metric) Eval(y, p []float64, cols int) (float64, error) {
	if cols < 1 || len(p) != len(y)*cols {
		return 0, fmt.Errorf("%s: %d predictions for %d labels in %d column(s)", m.Name, len(p), len(y), cols)
	}
	if len(y) == 0 {
		return 0, fmt.Errorf("%s: no rows", m.Name)
	}
	if cols > 1 && !m.MultiColumn {
		return 0, fmt.Errorf("%s takes 1-D predictions, got %d columns", m.Name, cols)
	}
	return m.Score(y, p, cols)
}

// errSingleClass is AUC's failure when every label is the same:
// scikit-learn refuses the same arrays.
var errSingleClass = errors.New("only one class in the labels: AUC is not defined")

func binaryLabels(name string, y []float64) error {
	for i, v := range y {
		if v != 0 && v != 1 {
			return fmt.Errorf("%s wants labels 0 and 1; row %d is %v", name, i, v)
		}
	}
	return nil
}

// AUC is the area under the ROC curve (roc_auc_score): the probability that
// a random positive is ranked above a random negative, ties counting half.
func AUC(y, p []float64, cols int) (float64, error) {
	if err := binaryLabels("auc", y); err != nil {
		return 0, err
	}
	var pos, neg []int32
	for i, v := range y {
		if v == 1 {
			pos = append(pos, int32(i))
		} else {
			neg = append(neg, int32(i))
		}
	}
	return AUCBlend(make([]float64, len(p)), p, 1, pos, neg, new(AUCScratch))
}

// eps is scikit-learn's clipping of probabilities for float64 predictions
// (eps="auto": np.finfo(np.float64).eps).
const eps = 2.220446049250313e-16

// LogLoss is log_loss: probabilities clipped to [eps, 1-eps] and, for 2-D
// predictions, rows renormalised to sum to 1, as scikit-learn does. 1-D
// predictions are the probability of class 1.
func LogLoss(y, p []float64, cols int) (float64, error) {
	if cols == 1 {
		if err := binaryLabels("logloss", y); err != nil {
			return 0, err
		}
		var s float64
		for i, v := range y {
			q := clip(p[i])
			// scikit-learn makes the two columns [1-q, q] and divides by
			// their sum, which is not always exactly 1.
			sum := (1 - q) + q
			if v == 1 {
				s += -math.Log(q / sum)
			} else {
				s += -math.Log((1 - q) / sum)
			}
		}
		return s / float64(len(y)), nil
	}
	return multiLogLoss("logloss", y, p, cols)
}

// MultiLogLoss is log_loss of 2-D predictions, one column per class.
func MultiLogLoss(y, p []float64, cols int) (float64, error) {
	if cols < 2 {
		return 0, errors.New("multi_logloss wants 2-D predictions (one column per class); use logloss for 1-D ones")
	}
	return multiLogLoss("multi_logloss", y, p, cols)
}

func multiLogLoss(name string, y, p []float64, cols int) (float64, error) {
	var s float64
	for i, v := range y {
		c := int(v)
		if float64(c) != v || c < 0 || c >= cols {
			return 0, fmt.Errorf("%s wants class labels 0..%d; row %d is %v", name, cols-1, i, v)
		}
		row := p[i*cols : (i+1)*cols]
		var sum float64
		for _, q := range row {
			sum += clip(q)
		}
		s += -math.Log(clip(row[c]) / sum)
	}
	return s / float64(len(y)), nil
}

func clip(q float64) float64 { return min(max(q, eps), 1-eps) }

// RMSE is the root of mean_squared_error.
func RMSE(y, p []float64, cols int) (float64, error) {
	var s float64
	for i, v := range y {
		d := v - p[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(y))), nil
}

// RMSLE is the root of mean_squared_log_error; negative values are refused
// as scikit-learn refuses them.
func RMSLE(y, p []float64, cols int) (float64, error) {
	var s float64
	for i, v := range y {
		if v < 0 || p[i] < 0 {
			return 0, fmt.Errorf("rmsle is not defined for negative values (row %d: label %v, prediction %v)", i, v, p[i])
		}
		d := math.Log1p(v) - math.Log1p(p[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(y))), nil
}

// MAE is mean_absolute_error.
func MAE(y, p []float64, cols int) (float64, error) {
	var s float64
	for i, v := range y {
		s += math.Abs(v - p[i])
	}
	return s / float64(len(y)), nil
}

// R2 is r2_score; with constant labels it is 1 for a perfect prediction
// and 0 otherwise (scikit-learn's force_finite).
func R2(y, p []float64, cols int) (float64, error) {
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var ssRes, ssTot float64
	for i, v := range y {
		d := v - p[i]
		ssRes += d * d
		t := v - mean
		ssTot += t * t
	}
	if ssTot == 0 {
		if ssRes == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 1 - ssRes/ssTot, nil
}

// classes turns predictions into class indices: the argmax of each row of
// 2-D predictions (the first on ties, as numpy's argmax), else 1-D values
// at or above 0.5 as class 1.
func classes(p []float64, cols int) []float64 {
	n := len(p) / cols
	out := make([]float64, n)
	for i := range n {
		if cols == 1 {
			if p[i] >= 0.5 {
				out[i] = 1
			}
			continue
		}
		row := p[i*cols : (i+1)*cols]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		out[i] = float64(best)
	}
	return out
}

// Accuracy is accuracy_score of the predicted classes: 1-D probabilities
// thresholded at 0.5 (p >= 0.5 is class 1), 2-D ones by argmax.
func Accuracy(y, p []float64, cols int) (float64, error) {
	pred := classes(p, cols)
	var hit int
	for i, v := range y {
		if v == pred[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(y)), nil
}

// F1 is the binary f1_score of the predictions thresholded at 0.5; 0 when
// there are neither positive labels nor positive predictions
// (scikit-learn's zero_division).
func F1(y, p []float64, cols int) (float64, error) {
	if err := binaryLabels("f1", y); err != nil {
		return 0, err
	}
	var tp, fp, fn float64
	for i, v := range y {
		pred := p[i] >= 0.5
		switch {
		case pred && v == 1:
			tp++
		case pred:
			fp++
		case v == 1:
			fn++
		}
	}
	if 2*tp+fp+fn == 0 {
		return 0, nil
	}
	return 2 * tp / (2*tp + fp + fn), nil
}

// QWK is the quadratic weighted kappa (cohen_kappa_score with
// weights="quadratic") of integer labels and predictions: 1-D predictions
// rounded half to even (numpy's rint), 2-D ones by argmax.
func QWK(y, p []float64, cols int) (float64, error) {
	var pred []float64
	if cols == 1 {
		pred = make([]float64, len(p))
		for i, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("qwk: prediction %d is %v", i, v)
			}
			pred[i] = math.RoundToEven(v)
		}
	} else {
		pred = classes(p, cols)
	}
	// The categories are the labels and predictions seen, sorted.
	set := map[float64]bool{}
	for i, v := range y {
		if v != math.Trunc(v) {
			return 0, fmt.Errorf("qwk wants integer labels; row %d is %v", i, v)
		}
		set[v] = true
		set[pred[i]] = true
	}
	cats := make([]float64, 0, len(set))
	for v := range set {
		cats = append(cats, v)
	}
	sort.Float64s(cats)
	k := len(cats)
	if k > 10000 {
		return 0, fmt.Errorf("qwk: %d distinct categories; it wants a few ordinal classes", k)
	}
	idx := make(map[float64]int, k)
	for i, v := range cats {
		idx[v] = i
	}
	conf := make([]float64, k*k)
	rowSum := make([]float64, k)
	colSum := make([]float64, k)
	for i, v := range y {
		a, b := idx[v], idx[pred[i]]
		conf[a*k+b]++
		rowSum[a]++
		colSum[b]++
	}
	n := float64(len(y))
	var num, den float64
	for a := range k {
		for b := range k {
			w := float64((a - b) * (a - b))
			num += w * conf[a*k+b]
			den += w * rowSum[a] * colSum[b] / n
		}
	}
	if den == 0 {
		return 0, errors.New("qwk is not defined: labels and predictions are all one class")
	}
	return 1 - num/den, nil
}

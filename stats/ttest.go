package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// TTest is the outcome of a t-test on paired differences d = a - b.
//
// Degenerate samples, where every difference is the same value, have a
// standard error of 0. scipy then gives t = ±inf and p = 0 when that
// value is not 0, and NaN when it is 0 (0/0). kxrun keeps the first case
// (a difference measured without any spread is certain) and defines the
// second as t = 0, p = 1 and a confidence interval of [0, 0] (no
// difference at all is no evidence of one), so that P, SE, CILow and
// CIHigh are always finite. T may be infinite.
type TTest struct {
	N      int     // number of differences
	Mean   float64 // mean difference (numpy.mean)
	SE     float64 // standard error of Mean used by the test
	T      float64 // t statistic, Mean / SE
	DF     float64 // degrees of freedom, N - 1
	P      float64 // two-sided p-value
	Alpha  float64 // the confidence interval is at level 1 - Alpha
	CILow  float64 // Mean - q * SE, q the 1 - Alpha/2 quantile of Student's t(DF)
	CIHigh float64 // Mean + q * SE
}

// ErrTooFew is returned when a test gets fewer than two differences: no
// spread can be estimated from one.
var ErrTooFew = errors.New("a t-test needs at least 2 pairs")

// PairedTTest is Student's paired t-test on the differences d, the test
// scipy.stats.ttest_rel(a, b) makes with d = a - b: SE = std(d, ddof=1)/√n,
// t = mean(d)/SE with n - 1 degrees of freedom, two-sided p-value, and the
// 1 - alpha confidence interval of the mean difference.
//
// Pairs must be independent: in kxrun, one difference per seed.
func PairedTTest(d []float64, alpha float64) (TTest, error) {
	if err := check(d, alpha); err != nil {
		return TTest{}, err
	}
	n := float64(len(d))
	return tTest(d, Std(d, 1)*math.Sqrt(1/n), alpha), nil
}

// CorrectedTTest is the corrected resampled t-test of Nadeau and Bengio
// ("Inference for the Generalization Error", Machine Learning 52, 2003)
// on the per-fold differences d of two models scored on the same folds.
//
// The folds' training sets overlap, so the fold differences are
// correlated and the plain paired t-test underestimates the variance of
// their mean. The correction replaces the variance factor 1/n by
// 1/n + testTrainRatio, where testTrainRatio is n_test/n_train, the size
// of a fold's test set over that of its training set:
//
//	SE = std(d, ddof=1) * sqrt(1/n + n_test/n_train),  t = mean(d)/SE,  n - 1 df.
//
// For k-fold cross-validation n_test/n_train = 1/(k-1) (KFoldRatio), the
// application of the correction to cross-validation proposed by Bouckaert
// and Frank (2004).
func CorrectedTTest(d []float64, testTrainRatio, alpha float64) (TTest, error) {
	if err := check(d, alpha); err != nil {
		return TTest{}, err
	}
	if !(testTrainRatio >= 0) || math.IsInf(testTrainRatio, 0) {
		return TTest{}, fmt.Errorf("the test/train size ratio must be a finite number >= 0, got %v", testTrainRatio)
	}
	n := float64(len(d))
	return tTest(d, Std(d, 1)*math.Sqrt(1/n+testTrainRatio), alpha), nil
}

// KFoldRatio is n_test/n_train for k-fold cross-validation with folds of
// equal size: each fold tests on 1/k of the rows and trains on (k-1)/k.
func KFoldRatio(k int) float64 { return 1 / float64(k-1) }

func check(d []float64, alpha float64) error {
	if len(d) < 2 {
		return ErrTooFew
	}
	for _, x := range d {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("difference %v: a t-test needs finite numbers", x)
		}
	}
	if !(alpha > 0 && alpha < 1) {
		return fmt.Errorf("alpha must be between 0 and 1, got %v", alpha)
	}
	return nil
}

// tTest finishes a one-sample t-test of mean(d) = 0 given the standard
// error of the mean.
func tTest(d []float64, se, alpha float64) TTest {
	r := TTest{N: len(d), Mean: Mean(d), SE: se, DF: float64(len(d) - 1), Alpha: alpha}
	if se == 0 {
		r.CILow, r.CIHigh = r.Mean, r.Mean
		switch {
		case r.Mean == 0:
			r.T, r.P = 0, 1
		default:
			r.T, r.P = math.Copysign(math.Inf(1), r.Mean), 0
		}
		return r
	}
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}
	r.T = r.Mean / se
	// Survival of |t| is computed directly (not as 1 - CDF), so small
	// p-values keep their precision.
	r.P = math.Min(1, 2*st.Survival(math.Abs(r.T)))
	q := quantile(st, alpha/2)
	r.CILow, r.CIHigh = r.Mean-q*se, r.Mean+q*se
	return r
}

// TCritical is the two-sided critical value of Student's t with df degrees
// of freedom at level alpha: the q with P(|T| > q) = alpha. NaN when df < 1
// or alpha is not in (0, 1).
func TCritical(df, alpha float64) float64 {
	if !(df >= 1) || !(alpha > 0 && alpha < 1) {
		return math.NaN()
	}
	return quantile(distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}, alpha/2)
}

// quantile is the q with P(T > q) = upper. gonum's Quantile inverts the
// incomplete beta function to about 1e-9 relative; a few Newton steps on
// the (accurate) survival function bring it to machine precision, where
// scipy's t.ppf is.
func quantile(st distuv.StudentsT, upper float64) float64 {
	q := st.Quantile(1 - upper)
	for range 4 {
		step := (st.Survival(q) - upper) / st.Prob(q)
		if math.IsNaN(step) || math.IsInf(step, 0) {
			break
		}
		q += step
		if math.Abs(step) <= 1e-16*math.Abs(q) {
			break
		}
	}
	return q
}

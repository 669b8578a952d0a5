package main

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// logReg is an L2-regularised logistic regression on standardized inputs.
// It minimises  sum_i logloss(y_i, sigmoid(b + x_i·w)) + l2/2·|w|²
// (the intercept b is not penalised), so l2 = 1/C in scikit-learn terms.
type logReg struct {
	mean, scale []float64 // standardization, fitted on the training rows only
	coef        []float64 // coef[0] is the intercept, coef[1+j] feature j
	iterations  int
	converged   bool
}

type fitOptions struct {
	l2      float64
	maxIter int
	tol     float64 // stop when the largest coefficient step is below tol
}

var defaultFitOptions = fitOptions{l2: 1, maxIter: 100, tol: 1e-8}

// newtonRegion is the step size below which Newton steps are taken whole.
const newtonRegion = 1e-3

// fitLogReg fits the model by Newton's method with a backtracking line
// search; the problem is small (p ≤ a dozen) so the p×p Hessian is cheap and
// Newton converges in a handful of iterations.
func fitLogReg(x [][]float64, y []float64, opt fitOptions) (*logReg, error) {
	n := len(x)
	if n == 0 || n != len(y) {
		return nil, fmt.Errorf("logreg: %d rows but %d labels", n, len(y))
	}
	p := len(x[0])
	if opt.l2 < 0 || math.IsNaN(opt.l2) || math.IsInf(opt.l2, 0) {
		return nil, fmt.Errorf("logreg: l2 must be finite and >= 0, got %v", opt.l2)
	}
	m := &logReg{mean: make([]float64, p), scale: make([]float64, p)}
	for j := range p {
		var s, ss float64
		for _, r := range x {
			s += r[j]
		}
		mu := s / float64(n)
		for _, r := range x {
			ss += (r[j] - mu) * (r[j] - mu)
		}
		sd := math.Sqrt(ss / float64(n))
		if sd == 0 {
			sd = 1 // a constant column standardizes to zeros, not NaN
		}
		m.mean[j], m.scale[j] = mu, sd
	}
	z := m.design(x)

	var pos float64
	for _, v := range y {
		if v != 0 && v != 1 {
			return nil, fmt.Errorf("logreg: labels must be 0 or 1, got %v", v)
		}
		pos += v
	}
	if pos == 0 || pos == float64(n) {
		return nil, errors.New("logreg: training labels have a single class")
	}

	d := p + 1
	w := mat.NewVecDense(d, nil)
	// Starting from the base rate puts the intercept near its optimum.
	w.SetVec(0, math.Log(pos/(float64(n)-pos)))
	yv := mat.NewVecDense(n, y)
	eta := mat.NewVecDense(n, nil)
	resid := mat.NewVecDense(n, nil)
	grad := mat.NewVecDense(d, nil)
	step := mat.NewVecDense(d, nil)
	trial := mat.NewVecDense(d, nil)
	zs := mat.NewDense(n, d, nil)
	var hess mat.SymDense
	var chol mat.Cholesky

	obj := m.objective(z, yv, w, eta, opt.l2)
	for m.iterations < opt.maxIter {
		m.iterations++
		// eta holds z·w from the last objective evaluation.
		for i := range n {
			pi := sigmoid(eta.AtVec(i))
			resid.SetVec(i, pi-yv.AtVec(i))
			s := math.Sqrt(pi * (1 - pi))
			for j := range d {
				zs.Set(i, j, s*z.At(i, j))
			}
		}
		grad.MulVec(z.T(), resid)
		hess.SymOuterK(1, zs.T())
		for j := 1; j < d; j++ {
			grad.SetVec(j, grad.AtVec(j)+opt.l2*w.AtVec(j))
			hess.SetSym(j, j, hess.At(j, j)+opt.l2)
		}
		if !chol.Factorize(&hess) {
			return nil, errors.New("logreg: Hessian is not positive definite (perfectly separable data with l2=0?)")
		}
		if err := chol.SolveVecTo(step, grad); err != nil {
			return nil, fmt.Errorf("logreg: Newton step: %w", err)
		}
		if size := mat.Norm(step, math.Inf(1)); size < newtonRegion {
			// Near the optimum the full Newton step is safe, and a line
			// search would only be fighting rounding noise in the objective.
			w.SubVec(w, step)
			if size < opt.tol {
				m.converged = true
				break
			}
			obj = m.objective(z, yv, w, eta, opt.l2)
			continue
		}
		// Backtrack until the Armijo condition holds; a full Newton step
		// nearly always does, but far from the optimum it can overshoot.
		slope := mat.Dot(grad, step)
		t, accepted := 1.0, false
		for range 40 {
			trial.AddScaledVec(w, -t, step)
			newObj := m.objective(z, yv, trial, eta, opt.l2)
			if newObj <= obj-1e-4*t*slope {
				obj, accepted = newObj, true
				break
			}
			t /= 2
		}
		if !accepted {
			break // no descent possible; report what we have, not converged
		}
		w.CopyVec(trial)
	}
	m.coef = make([]float64, d)
	for j := range d {
		m.coef[j] = w.AtVec(j)
	}
	return m, nil
}

// design returns the standardized rows with a leading column of ones.
func (m *logReg) design(x [][]float64) *mat.Dense {
	p := len(m.mean)
	z := mat.NewDense(len(x), p+1, nil)
	for i, r := range x {
		z.Set(i, 0, 1)
		for j := range p {
			z.Set(i, j+1, (r[j]-m.mean[j])/m.scale[j])
		}
	}
	return z
}

// objective returns the penalised negative log-likelihood at w and leaves
// z·w in eta for the caller.
func (m *logReg) objective(z *mat.Dense, y, w, eta *mat.VecDense, l2 float64) float64 {
	eta.MulVec(z, w)
	var f float64
	for i := range y.Len() {
		e := eta.AtVec(i)
		f += log1pExp(e) - y.AtVec(i)*e
	}
	for j := 1; j < w.Len(); j++ {
		f += 0.5 * l2 * w.AtVec(j) * w.AtVec(j)
	}
	return f
}

// predict returns P(y=1) for each row.
func (m *logReg) predict(x [][]float64) []float64 {
	if len(x) == 0 {
		return nil
	}
	var eta mat.VecDense
	eta.MulVec(m.design(x), mat.NewVecDense(len(m.coef), m.coef))
	out := make([]float64, len(x))
	for i := range out {
		out[i] = sigmoid(eta.AtVec(i))
	}
	return out
}

// rawCoef returns the coefficients on the original feature scale (without
// the intercept), which is what the known generating model is written in.
func (m *logReg) rawCoef() []float64 {
	out := make([]float64, len(m.mean))
	for j := range out {
		out[j] = m.coef[j+1] / m.scale[j]
	}
	return out
}

func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t) // avoids exp overflow for very negative t
	return e / (1 + e)
}

// log1pExp is log(1+e^t) without overflow for large t.
func log1pExp(t float64) float64 {
	if t > 0 {
		return t + math.Log1p(math.Exp(-t))
	}
	return math.Log1p(math.Exp(t))
}

package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sample draws rows from a logistic model with the given raw-scale
// coefficients; the features deliberately have very different scales.
func sample(n int, intercept float64, coef, scale []float64, seed uint64) ([][]float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x, y := make([][]float64, n), make([]float64, n)
	for i := range n {
		r := make([]float64, len(coef))
		eta := intercept
		for j := range coef {
			r[j] = 10 + scale[j]*rng.NormFloat64()
			eta += coef[j] * (r[j] - 10)
		}
		x[i] = r
		if rng.Float64() < sigmoid(eta) {
			y[i] = 1
		}
	}
	return x, y
}

func TestFitLogRegRecoversCoefficients(t *testing.T) {
	coef := []float64{1.5, -0.02, 0.8, 0}
	scale := []float64{1, 50, 0.5, 3}
	x, y := sample(20000, -0.3, coef, scale, 1)
	m, err := fitLogReg(x, y, fitOptions{l2: 1e-3, maxIter: 100, tol: 1e-10})
	if err != nil {
		t.Fatal(err)
	}
	if !m.converged {
		t.Fatalf("not converged after %d iterations", m.iterations)
	}
	got := m.rawCoef()
	for j, want := range coef {
		// A coefficient's effect per standard deviation is what the data
		// pin down; compare on that scale.
		diff := math.Abs(got[j]-want) * scale[j]
		if diff > 0.1 {
			t.Errorf("coef %d = %.4f, want %.4f", j, got[j], want)
		}
		if want != 0 && math.Signbit(got[j]) != math.Signbit(want) {
			t.Errorf("coef %d = %.4f has the wrong sign", j, got[j])
		}
	}
}

// At the optimum the gradient of the penalised objective vanishes; this
// checks the solver against the objective, independently of Newton's method.
func TestFitLogRegStationary(t *testing.T) {
	x, y := sample(500, 0.5, []float64{1, -1, 0.3}, []float64{1, 2, 1}, 2)
	const l2 = 3.0
	m, err := fitLogReg(x, y, fitOptions{l2: l2, maxIter: 100, tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	z := m.design(x)
	grad := make([]float64, len(m.coef))
	for i := range x {
		eta := 0.0
		for j, c := range m.coef {
			eta += c * z.At(i, j)
		}
		for j := range grad {
			grad[j] += (sigmoid(eta) - y[i]) * z.At(i, j)
		}
	}
	for j := 1; j < len(grad); j++ {
		grad[j] += l2 * m.coef[j]
	}
	for j, g := range grad {
		if math.Abs(g) > 1e-8 {
			t.Errorf("gradient[%d] = %g at the fitted coefficients", j, g)
		}
	}
	// A stronger penalty must shrink the coefficients.
	strong, err := fitLogReg(x, y, fitOptions{l2: 100 * l2, maxIter: 100, tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	var n1, n2 float64
	for j := 1; j < len(m.coef); j++ {
		n1 += m.coef[j] * m.coef[j]
		n2 += strong.coef[j] * strong.coef[j]
	}
	if !(n2 < n1) {
		t.Errorf("|w|² = %g with l2=%g, %g with l2=%g", n1, l2, n2, 100*l2)
	}
}

// The trainer's own data must be learnable: fitted on every training row,
// the model recovers the signs of the generating coefficients.
func TestFitLogRegOnDemoData(t *testing.T) {
	d := generate()
	names := []string{"age", "fare", "sex", "sibsp", "parch", "title", "title_rare"}
	want := []float64{coefAge, coefFare, coefSex, coefSibsp, coefParch, coefTitle, coefTitleRare}
	cols := make([]int, len(names))
	for k, name := range names {
		cols[k], _ = columnIndex(name)
	}
	m, err := fitLogReg(selectColumns(d.xTrain, cols), d.yTrain, defaultFitOptions)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range m.rawCoef() {
		if math.Signbit(c) != math.Signbit(want[k]) {
			t.Errorf("%s: fitted %.4f, generating coefficient %.4f", names[k], c, want[k])
		}
	}
}

func TestFitLogRegConstantColumn(t *testing.T) {
	x, y := sample(200, 0, []float64{1, 0}, []float64{1, 0}, 3) // column 1 is constant
	m, err := fitLogReg(x, y, defaultFitOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.predict(x) {
		if math.IsNaN(p) || p <= 0 || p >= 1 {
			t.Fatalf("prediction %v", p)
		}
	}
}

func TestFitLogRegErrors(t *testing.T) {
	x := [][]float64{{1}, {2}, {3}}
	if _, err := fitLogReg(x, []float64{1, 1, 1}, defaultFitOptions); err == nil {
		t.Error("single class: want an error")
	}
	if _, err := fitLogReg(x, []float64{0, 1, 2}, defaultFitOptions); err == nil {
		t.Error("label 2: want an error")
	}
	if _, err := fitLogReg(x, []float64{0, 1, 0}, fitOptions{l2: -1, maxIter: 10}); err == nil {
		t.Error("negative l2: want an error")
	}
}

func TestSigmoidStable(t *testing.T) {
	for _, v := range []float64{-1000, -30, 0, 30, 1000} {
		if s := sigmoid(v); math.IsNaN(s) || s < 0 || s > 1 {
			t.Errorf("sigmoid(%v) = %v", v, s)
		}
		if l := log1pExp(v); math.IsInf(l, 0) || math.IsNaN(l) {
			t.Errorf("log1pExp(%v) = %v", v, l)
		}
	}
	if got := log1pExp(1000); got != 1000 {
		t.Errorf("log1pExp(1000) = %v", got)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := generate(), generate()
	if len(a.xTrain) != trainRows || len(a.xTest) != testRows {
		t.Fatalf("rows: %d train, %d test", len(a.xTrain), len(a.xTest))
	}
	var pos float64
	for i := range a.xTrain {
		for j := range catalog {
			if a.xTrain[i][j] != b.xTrain[i][j] {
				t.Fatalf("row %d col %d differs between calls", i, j)
			}
		}
		r := a.xTrain[i]
		if r[5] != r[3]+r[4]+1 {
			t.Fatalf("row %d: family_size %v != sibsp %v + parch %v + 1", i, r[5], r[3], r[4])
		}
		pos += a.yTrain[i]
	}
	if rate := pos / trainRows; rate < 0.3 || rate > 0.45 {
		t.Errorf("positive rate %.3f, want a moderately imbalanced target", rate)
	}
}

func BenchmarkTrainAllFeatures(b *testing.B) {
	cfg := config{seed: 1, folds: 5, l2: 1}
	for _, f := range catalog {
		cfg.features = append(cfg.features, f.name)
	}
	for b.Loop() {
		if _, err := train(cfg, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

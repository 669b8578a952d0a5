package main

import (
	"math"
	"math/rand/v2"
	"strings"
)

// The synthetic data set is a stand-in for a Titanic-like competition: the
// feature groups have known, different strengths so that an ablation over
// them has a known answer (family >> title > noise ≈ 0).
const (
	trainRows = 4000
	testRows  = 1000

	// The data seeds are fixed and independent of the run seed: every run
	// must see the same rows so that differences between runs come only
	// from the feature set and the fold split.
	dataSeedHi = 0x6b78_7275_6e00_0001
	dataSeedLo = 0x6465_6d6f_0000_0001
)

// feature is one column of the synthetic data set.
type feature struct {
	name  string
	group string
}

// catalog lists every column in a fixed order; the trainer always uses the
// selected columns in this order so that the result of a run does not
// depend on the order in which the features were named.
var catalog = []feature{
	{"age", "base"},
	{"fare", "base"},
	{"sex", "base"},
	{"sibsp", "family"},
	{"parch", "family"},
	{"family_size", "family"},
	{"title", "title"},
	{"title_rare", "title"},
	{"noise_1", "noise"},
	{"noise_2", "noise"},
	{"noise_3", "noise"},
}

// Coefficients of the true logistic model, per unit of each raw feature.
// family_size carries no effect of its own: it is sibsp+parch+1, so the
// family group's signal is in sibsp and parch and family_size only adds a
// collinear column, as engineered features often do.
const (
	coefIntercept = -0.90
	coefAge       = -0.045 // per year
	coefFare      = 0.040  // per unit of fare
	coefSex       = 1.00   // female
	coefSibsp     = -0.75  // per sibling/spouse
	coefParch     = 0.70   // per parent/child
	coefTitle     = 0.22   // per step of the ordinal title code
	coefTitleRare = 0.60   // rare (noble/officer) title
)

// dataset holds the generated rows: x[i][j] is row i, catalog column j.
type dataset struct {
	xTrain [][]float64
	yTrain []float64
	xTest  [][]float64
	yTest  []float64 // known only because the data are synthetic
}

// generate builds the data set. It is deterministic: same rows every call.
func generate() *dataset {
	rng := rand.New(rand.NewPCG(dataSeedHi, dataSeedLo))
	n := trainRows + testRows
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range n {
		age := math.Round(clamp(32+13*rng.NormFloat64(), 1, 80))
		fare := math.Round(100*math.Exp(3.0+0.5*rng.NormFloat64())) / 100
		sex := bernoulli(rng, 0.36)
		sibsp := categorical(rng, []float64{0.60, 0.25, 0.08, 0.04, 0.02, 0.01})
		parch := categorical(rng, []float64{0.68, 0.16, 0.10, 0.04, 0.02})
		title := categorical(rng, []float64{0.50, 0.30, 0.20})
		titleRare := bernoulli(rng, 0.07)
		n1, n2, n3 := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()

		eta := coefIntercept +
			coefAge*(age-32) + coefFare*(fare-22) + coefSex*sex +
			coefSibsp*sibsp + coefParch*parch +
			coefTitle*title + coefTitleRare*titleRare
		y[i] = bernoulli(rng, sigmoid(eta))
		x[i] = []float64{age, fare, sex, sibsp, parch, sibsp + parch + 1, title, titleRare, n1, n2, n3}
	}
	return &dataset{
		xTrain: x[:trainRows], yTrain: y[:trainRows],
		xTest: x[trainRows:], yTest: y[trainRows:],
	}
}

// columnIndex maps a feature name to its catalog column.
func columnIndex(name string) (int, bool) {
	for j, f := range catalog {
		if f.name == name {
			return j, true
		}
	}
	return 0, false
}

// validFeatures describes the catalog for error messages, by group.
func validFeatures() string {
	var b strings.Builder
	group := ""
	for _, f := range catalog {
		if f.group != group {
			if group != "" {
				b.WriteString("; ")
			}
			group = f.group
			b.WriteString(group + ": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
	}
	return b.String()
}

// selectColumns copies the given catalog columns out of rows.
func selectColumns(rows [][]float64, cols []int) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		o := make([]float64, len(cols))
		for k, j := range cols {
			o[k] = r[j]
		}
		out[i] = o
	}
	return out
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

func bernoulli(rng *rand.Rand, p float64) float64 {
	if rng.Float64() < p {
		return 1
	}
	return 0
}

// categorical draws an index with the given probabilities (summing to 1).
func categorical(rng *rand.Rand, probs []float64) float64 {
	u := rng.Float64()
	for k, p := range probs {
		if u < p {
			return float64(k)
		}
		u -= p
	}
	return float64(len(probs) - 1)
}

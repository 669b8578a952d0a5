package ensemble

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kxrun/kxrun/metrics"
)

// synthetic makes labels and m members of varying quality.
func synthetic(n, m int, binary bool, seed uint64) ([]float64, []Arrays) {
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, n)
	for i := range y {
		if binary {
			y[i] = float64(r.IntN(2))
		} else {
			y[i] = r.NormFloat64()
		}
	}
	members := make([]Arrays, m)
	for j := range members {
		noise := 0.3 + 0.2*float64(j)
		oof, test := make([]float64, n), make([]float64, 7)
		for i := range oof {
			v := y[i] + noise*r.NormFloat64()
			if binary {
				v = 1 / (1 + math.Exp(-3*(v-0.5)))
			}
			oof[i] = v
		}
		for i := range test {
			test[i] = r.Float64()
		}
		members[j] = Arrays{OOF: oof, Test: test}
	}
	return y, members
}

// naiveHill is hill climbing written the plain way: every candidate's
// blend rebuilt from the counts, scored with Eval.
func naiveHill(y []float64, oofs [][]float64, m *metrics.Metric, init, maxMembers int) []float64 {
	counts := make([]int, len(oofs))
	blendOf := func(counts []int) []float64 {
		total := 0
		for _, c := range counts {
			total += c
		}
		sum := make([]float64, len(y))
		for j, c := range counts {
			for range c {
				for i := range sum {
					sum[i] += oofs[j][i]
				}
			}
		}
		for i := range sum {
			sum[i] /= float64(total)
		}
		return sum
	}
	single := make([]float64, len(oofs))
	for j := range oofs {
		single[j], _ = m.Eval(y, oofs[j], 1)
	}
	order := make([]int, len(oofs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if m.Better(single[a], single[b]) {
			return -1
		}
		if m.Better(single[b], single[a]) {
			return 1
		}
		return 0
	})
	var path []int
	for _, j := range order[:init] {
		counts[j]++
		path = append(path, j)
	}
	best, _ := m.Eval(y, blendOf(counts), 1)
	kept := len(path)
	for range maxMembers {
		pick, pickScore := -1, 0.0
		for j := range oofs {
			counts[j]++
			s, _ := m.Eval(y, blendOf(counts), 1)
			counts[j]--
			if pick < 0 || m.Better(s, pickScore) {
				pick, pickScore = j, s
			}
		}
		counts[pick]++
		path = append(path, pick)
		if m.Better(pickScore, best) {
			best, kept = pickScore, len(path)
		}
	}
	w := make([]float64, len(oofs))
	for _, j := range path[:kept] {
		w[j] += 1 / float64(kept)
	}
	return w
}

func TestHillMatchesNaive(t *testing.T) {
	for _, tc := range []struct {
		metric string
		binary bool
	}{{"auc", true}, {"logloss", true}, {"rmse", false}, {"mae", false}, {"r2", false}} {
		t.Run(tc.metric, func(t *testing.T) {
			y, members := synthetic(400, 6, tc.binary, 9)
			oofs := make([][]float64, len(members))
			for i, a := range members {
				oofs[i] = a.OOF
			}
			m := metrics.Lookup(tc.metric)
			for _, workers := range []int{1, 3} {
				res, err := Blend(y, members, 1, Options{Method: Hill, Metric: m, Init: 2, MaxMembers: 12, Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				want := naiveHill(y, oofs, m, 2, 12)
				if diff := cmp.Diff(want, res.Weights, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
					t.Errorf("workers %d: weights (-naive +hill):\n%s", workers, diff)
				}
			}
		})
	}
}

// TestHonestScore recomputes the fold-honest score of a blend with a
// seeded split: the naive hill climbing on each part's complement, the part
// blended with those weights, the held-out blend scored as a whole.
func TestHonestScore(t *testing.T) {
	y, members := synthetic(300, 5, true, 11)
	m := metrics.Lookup("auc")
	res, err := Blend(y, members, 1, Options{Method: Hill, Metric: m, MaxMembers: 10, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	folds := KFold(y, true, 5, 42)
	held := make([]float64, len(y))
	var perFold []float64
	for f := range 5 {
		var ty, vy []float64
		toofs := make([][]float64, len(members))
		var rows []int
		for i := range y {
			if folds[i] == f {
				rows = append(rows, i)
				vy = append(vy, y[i])
				continue
			}
			ty = append(ty, y[i])
			for j := range members {
				toofs[j] = append(toofs[j], members[j].OOF[i])
			}
		}
		w := naiveHill(ty, toofs, m, 1, 10)
		var vp []float64
		for _, i := range rows {
			var v float64
			for j := range members {
				v += w[j] * members[j].OOF[i]
			}
			held[i] = v
			vp = append(vp, v)
		}
		s, _ := m.Eval(vy, vp, 1)
		perFold = append(perFold, s)
	}
	want, _ := m.Eval(y, held, 1)
	if math.Abs(want-res.Honest) > 1e-12 {
		t.Errorf("honest %v, recomputed %v", res.Honest, want)
	}
	if diff := cmp.Diff(perFold, res.HonestFolds, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("fold scores (-recomputed +blend):\n%s", diff)
	}
	if res.FoldsFrom != "seeded k-fold" {
		t.Errorf("folds from %q", res.FoldsFrom)
	}
	if res.Honest > res.InSample {
		t.Logf("honest %v above in-sample %v (possible, but rare)", res.Honest, res.InSample)
	}
}

func TestKFold(t *testing.T) {
	y := make([]float64, 103)
	for i := range y {
		y[i] = float64(i % 3 / 2) // a third positive
	}
	a, b := KFold(y, true, 5, 7), KFold(y, true, 5, 7)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave two splits")
	}
	if slices.Equal(a, KFold(y, true, 5, 8)) {
		t.Error("two seeds gave the same split")
	}
	for f := range 5 {
		var n, pos int
		for i, v := range a {
			if v == f {
				n++
				pos += int(y[i])
			}
		}
		if n < 20 || n > 21 || pos < 6 || pos > 7 {
			t.Errorf("part %d: %d rows, %d positive", f, n, pos)
		}
	}
}

func TestRankScaled(t *testing.T) {
	got := rankScaled([]float64{0.3, 0.1, 0.3, 0.9, 1, 5, 1, 1}, 2)
	// Column 0: 0.3, 0.3, 1, 1 -> ranks 1.5, 1.5, 3.5, 3.5; column 1: 0.1, 0.9, 5, 1.
	want := []float64{0.5 / 3, 0, 0.5 / 3, 1.0 / 3, 2.5 / 3, 1, 2.5 / 3, 2.0 / 3}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Error(diff)
	}
}

func TestOptimizeWeights(t *testing.T) {
	y, members := synthetic(500, 4, false, 13)
	m := metrics.Lookup("rmse")
	opt, err := Blend(y, members, 1, Options{Method: Optimize, Metric: m})
	if err != nil {
		t.Fatal(err)
	}
	mean, err := Blend(y, members, 1, Options{Method: Mean, Metric: m})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, w := range opt.Weights {
		if w < 0 {
			t.Errorf("negative weight %v", w)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v", sum)
	}
	if opt.InSample > mean.InSample {
		t.Errorf("optimize %v worse than equal weights %v", opt.InSample, mean.InSample)
	}
	// The best member (least noise) gets the largest weight.
	if slices.Index(opt.Weights, slices.Max(opt.Weights)) != 0 {
		t.Errorf("weights %v: member 0 is the best", opt.Weights)
	}
}

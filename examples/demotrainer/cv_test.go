package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRocAUCHandComputed(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []float64
		want   float64
	}{
		// 4 positive–negative pairs, 3 ordered correctly.
		{"no ties", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, 0.75},
		// Pairs (pos,neg): (.5,.5)=½ (.5,.2)=1 (.9,.5)=1 (.9,.2)=1 → 3.5/4.
		{"tie across classes", []float64{0.5, 0.5, 0.2, 0.9}, []float64{1, 0, 0, 1}, 0.875},
		// pos .2: vs .2,.2 → ½+½, vs .6 → 0; pos .6: vs .2,.2 → 2, vs .6 → ½ → 3.5/6.
		{"three-way tie", []float64{0.2, 0.2, 0.2, 0.6, 0.6}, []float64{0, 1, 0, 1, 0}, 3.5 / 6},
		{"all tied", []float64{3, 3, 3, 3}, []float64{1, 0, 1, 0}, 0.5},
		{"perfect", []float64{-2, -1, 1, 2}, []float64{0, 0, 1, 1}, 1},
		{"reversed", []float64{-2, -1, 1, 2}, []float64{1, 1, 0, 0}, 0},
		{"order of rows is irrelevant", []float64{0.9, 0.2, 0.5, 0.5}, []float64{1, 0, 0, 1}, 0.875},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rocAUC(tc.scores, tc.labels)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("rocAUC = %v, want %v", got, tc.want)
			}
		})
	}
}

// The rank formula must agree with the definition: the share of
// positive–negative pairs ranked correctly, ties counting one half.
func TestRocAUCMatchesPairCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 2 + rng.IntN(60)
		scores, labels := make([]float64, n), make([]float64, n)
		for i := range n {
			scores[i] = float64(rng.IntN(6)) // few distinct values: many ties
			labels[i] = float64(rng.IntN(2))
		}
		labels[0], labels[1] = 0, 1
		var good, pairs float64
		for i := range n {
			for j := range n {
				if labels[i] != 1 || labels[j] != 0 {
					continue
				}
				pairs++
				switch {
				case scores[i] > scores[j]:
					good++
				case scores[i] == scores[j]:
					good += 0.5
				}
			}
		}
		got, err := rocAUC(scores, labels)
		if err != nil {
			t.Fatal(err)
		}
		if want := good / pairs; math.Abs(got-want) > 1e-12 {
			t.Fatalf("trial %d: rocAUC = %v, pair count gives %v", trial, got, want)
		}
	}
}

func TestRocAUCErrors(t *testing.T) {
	for name, tc := range map[string]struct{ scores, labels []float64 }{
		"one class":       {[]float64{1, 2}, []float64{1, 1}},
		"length mismatch": {[]float64{1, 2}, []float64{1}},
		"bad label":       {[]float64{1, 2}, []float64{0, 2}},
		"NaN score":       {[]float64{math.NaN(), 2}, []float64{0, 1}},
		"empty":           {nil, nil},
	} {
		if _, err := rocAUC(tc.scores, tc.labels); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestStratifiedFolds(t *testing.T) {
	// 103 positives among 353 rows: neither class divides evenly by k.
	y := make([]float64, 353)
	for i := range 103 {
		y[i*3] = 1
	}
	const k = 5
	fold, err := stratifiedFolds(y, k, 42)
	if err != nil {
		t.Fatal(err)
	}
	members := make([][]int, k)
	for i, f := range fold {
		if f < 0 || f >= k {
			t.Fatalf("row %d in fold %d", i, f)
		}
		members[f] = append(members[f], i)
	}
	// Every row is out-of-fold exactly once: the folds partition the rows.
	var all []int
	for _, m := range members {
		all = append(all, m...)
	}
	slices.Sort(all)
	for i, r := range all {
		if r != i {
			t.Fatalf("folds do not partition the rows: position %d holds row %d", i, r)
		}
	}
	var sizes, positives []int
	for _, m := range members {
		pos := 0
		for _, i := range m {
			pos += int(y[i])
		}
		sizes, positives = append(sizes, len(m)), append(positives, pos)
	}
	if slices.Max(sizes)-slices.Min(sizes) > 1 {
		t.Errorf("fold sizes %v differ by more than one", sizes)
	}
	if slices.Max(positives)-slices.Min(positives) > 1 {
		t.Errorf("positives per fold %v differ by more than one", positives)
	}

	again, _ := stratifiedFolds(y, k, 42)
	if !slices.Equal(fold, again) {
		t.Error("same seed gave a different split")
	}
	other, _ := stratifiedFolds(y, k, 43)
	if slices.Equal(fold, other) {
		t.Error("different seeds gave the same split")
	}
}

func TestStratifiedFoldsErrors(t *testing.T) {
	y := []float64{0, 0, 0, 0, 1, 1, 1}
	if _, err := stratifiedFolds(y, 1, 0); err == nil {
		t.Error("k=1: want an error")
	}
	if _, err := stratifiedFolds(y, 4, 0); err == nil {
		t.Error("3 positives in 4 folds: want an error")
	}
	if _, err := stratifiedFolds(y, 3, 0); err != nil {
		t.Errorf("3 positives in 3 folds: %v", err)
	}
}

package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAUCBlend(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{10, 5000} {
		y, s, add := make([]float64, n), make([]float64, n), make([]float64, n)
		var pos, neg []int32
		for i := range y {
			y[i] = float64(r.IntN(2))
			// Rounded: many ties, and -0 beside +0.
			s[i] = math.Round((r.Float64()+y[i]*0.3)*20) / 10
			add[i] = math.Round(r.Float64()*10) / 10
			if i%7 == 0 {
				s[i], add[i] = math.Copysign(0, -1), 0
			}
			if y[i] == 1 {
				pos = append(pos, int32(i))
			} else {
				neg = append(neg, int32(i))
			}
		}
		blend := make([]float64, n)
		for i := range blend {
			blend[i] = (s[i] + add[i]) / 3
		}
		// Every pair of a positive and a negative, ties counting half.
		var pairs, wins float64
		for _, i := range pos {
			for _, j := range neg {
				pairs++
				switch {
				case blend[i] > blend[j]:
					wins++
				case blend[i] == blend[j]:
					wins += 0.5
				}
			}
		}
		want := wins / pairs
		var sc AUCScratch
		for range 2 { // the scratch is reused
			got, err := AUCBlend(s, add, 3, pos, neg, &sc)
			if err != nil || got != want {
				t.Errorf("n=%d: AUCBlend = %v, %v; pair count %v", n, got, err, want)
			}
		}
	}
}

func TestScoreSum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 300
	y, s, add, buf := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		y[i] = float64(r.IntN(2))
		s[i], add[i] = r.Float64()*2, r.Float64()
	}
	for _, name := range Names() {
		if name == "multi_logloss" {
			continue
		}
		m := Lookup(name)
		blend := make([]float64, n)
		for i := range blend {
			blend[i] = (s[i] + add[i]) / 3
		}
		want, werr := m.Eval(y, blend, 1)
		got, gerr := m.ScoreSum(y, s, add, 3, 1, buf)
		if got != want || (werr == nil) != (gerr == nil) {
			t.Errorf("%s: ScoreSum %v (%v), Eval %v (%v)", name, got, gerr, want, werr)
		}
	}
}

package metrics

import (
	"math"
)

// ScoreSum scores the blend (s + add) / k of a running sum s and one more
// member add, without keeping the blended array where the metric is a
// mean of per-row losses (rmse, mae, rmsle, 1-D logloss): one pass over
// the rows. Other metrics blend into buf (len(s)) and score it. The
// blended value of row i is computed as (s[i] + add[i]) / k, so any
// implementation that does the same gets the same bits.
func (m *Metric) ScoreSum(y, s, add []float64, k float64, cols int, buf []float64) (float64, error) {
	switch {
	case m.Name == "rmse":
		var acc float64
		for i, v := range y {
			d := v - (s[i]+add[i])/k
			acc += d * d
		}
		return math.Sqrt(acc / float64(len(y))), nil
	case m.Name == "mae":
		var acc float64
		for i, v := range y {
			acc += math.Abs(v - (s[i]+add[i])/k)
		}
		return acc / float64(len(y)), nil
	}
	buf = buf[:len(s)]
	for i := range s {
		buf[i] = (s[i] + add[i]) / k
	}
	return m.Eval(y, buf, cols)
}

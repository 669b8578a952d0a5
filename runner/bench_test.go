package runner

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkParseResult(b *testing.B) {
	for _, folds := range []int{5, 10_000} {
		scores := make([]string, folds)
		for i := range scores {
			scores[i] = fmt.Sprintf("0.8%07d", i)
		}
		data := []byte(`{"cv_scores": [` + strings.Join(scores, ", ") + `], "oof": "oof.npy", "params": {"lr": 0.05, "depth": 6}, "metrics": {"logloss": 0.41}}`)
		b.Run(fmt.Sprintf("folds=%d", folds), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for range b.N {
				if _, err := ParseResult(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResultSniffer is the cost of watching stdout for the result:
// a chatty trainer printing progress lines.
func BenchmarkResultSniffer(b *testing.B) {
	chunk := []byte(strings.Repeat("epoch 12/100 loss=0.4123 val_auc=0.8123\n", 1000))
	b.SetBytes(int64(len(chunk)))
	s := newResultSniffer(maxResultLine)
	for range b.N {
		s.Write(chunk)
	}
}

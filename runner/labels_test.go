package runner

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResultLabels(t *testing.T) {
	res, err := ParseResult([]byte(`{"cv_scores": [0.5], "target": "y.npy", "folds": "/abs/folds.npy"}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([2]string{"y.npy", "/abs/folds.npy"}, [2]string{res.Target, res.Folds}); diff != "" {
		t.Error(diff)
	}
	if _, err := ParseResult([]byte(`{"cv_scores": [0.5], "target": 3}`)); err == nil {
		t.Error("a non-string target was accepted")
	}
}

package plan

import (
	"strings"
	"testing"
)

func TestMetricDirection(t *testing.T) {
	for _, c := range []struct {
		metric string
		want   Direction
		ok     bool
	}{
		{"logloss", Minimize, true}, {"mlogloss", Minimize, true}, {"multi_logloss", Minimize, true},
		{"RMSE", Minimize, true}, {"rmsle", Minimize, true}, {"mae", Minimize, true}, {"mse", Minimize, true},
		{"mape", Minimize, true}, {"error", Minimize, true}, {"loss", Minimize, true},
		{"val_logloss", Minimize, true}, {"cv-rmse", Minimize, true},
		{"auc", Maximize, true}, {"accuracy", Maximize, true}, {"ndcg@5", Maximize, true},
		{"neg_log_loss", Maximize, true}, {"neg_mean_thing", "", false},
		{"score", "", false}, {"", "", false},
	} {
		t.Run(c.metric, func(t *testing.T) {
			got, ok := MetricDirection(c.metric)
			if got != c.want || ok != c.ok {
				t.Errorf("MetricDirection(%q) = %q, %v; want %q, %v", c.metric, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestPlanDirectionFromMetric(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		want       Direction
		err        string
	}{
		{"minimised metric", "metric: mlogloss\n", Minimize, ""},
		{"maximised metric", "metric: auc\n", Maximize, ""},
		{"unknown metric", "metric: score\n", Maximize, ""},
		{"unknown metric, set", "metric: score\ndirection: minimize\n", Minimize, ""},
		{"agreeing", "metric: rmse\ndirection: minimize\n", Minimize, ""},
		{"contradicting", "metric: mlogloss\ndirection: maximize\n", "", "plan.yaml:2:12: direction maximize contradicts metric mlogloss, which is minimized"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("plan.yaml", []byte(c.yaml+"command: [python3, train.py]\nbase_features: [a]\n"))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Direction != c.want {
				t.Errorf("direction %s, want %s", p.Direction, c.want)
			}
		})
	}
}

package plan

import (
	"fmt"
	"strings"
)

// Metrics whose direction kxrun knows, by lower-case name: a plan (or
// `kxrun log --metric`) that names one needs no direction, and one that
// contradicts it is an error rather than verdicts reversed.
var metricDirections = map[string]Direction{}

func init() {
	for _, m := range strings.Fields(`logloss log_loss mlogloss multi_logloss binary_logloss
		cross_entropy crossentropy bce nll rmse rmsle mae mse msle mape smape medae
		error merror loss brier brier_score huber poisson gamma tweedie wrmsse
		rmspe mdape quantile pinball`) {
		metricDirections[m] = Minimize
	}
	for _, m := range strings.Fields(`auc roc_auc auroc aucpr pr_auc average_precision ap
		accuracy acc balanced_accuracy f1 f1_macro f1_micro f1_weighted fbeta precision
		recall r2 map ndcg mrr qwk kappa cohen_kappa quadratic_weighted_kappa gini
		normalized_gini mcc spearman pearson iou dice jaccard`) {
		metricDirections[m] = Maximize
	}
}

// MetricDirection is the direction of a known metric: "logloss",
// "val_rmse", "ndcg@5" and scikit-learn's negated scorers
// ("neg_log_loss", maximised) are recognised. ok is false for a metric
// kxrun does not know.
func MetricDirection(metric string) (d Direction, ok bool) {
	m := strings.ToLower(strings.TrimSpace(metric))
	if m == "" {
		return "", false
	}
	if rest, neg := strings.CutPrefix(m, "neg_"); neg {
		if d, ok := MetricDirection(rest); ok && d == Minimize {
			return Maximize, true
		}
		return "", false
	}
	m, _, _ = strings.Cut(m, "@") // ndcg@5, map@12
	if d, ok := metricDirections[m]; ok {
		return d, true
	}
	// A prefix naming the data it is computed on: val_rmse, cv-auc, test_logloss.
	for _, prefix := range []string{"val_", "valid_", "validation_", "cv_", "oof_", "test_", "train_", "eval_",
		"val-", "valid-", "cv-", "test-", "train-", "eval-"} {
		if rest, ok := strings.CutPrefix(m, prefix); ok {
			return MetricDirection(rest)
		}
	}
	return "", false
}

// ResolveDirection is the direction of a metric given direction as the
// user set it ("" for not set): the metric's when not set, the given one
// when the metric is unknown, maximize when neither says. A direction
// that contradicts a known metric is an error naming both.
func ResolveDirection(metric string, direction Direction) (Direction, error) {
	known, ok := MetricDirection(metric)
	switch {
	case direction == "" && ok:
		return known, nil
	case direction == "":
		return DefaultDirection, nil
	case ok && direction != known:
		return "", fmt.Errorf("direction %s contradicts metric %s, which is %sd: remove direction, or fix it", direction, metric, known)
	}
	return direction, nil
}

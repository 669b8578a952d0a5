// Package stats holds the statistics kxrun reports: means and standard
// deviations, Pearson and Spearman correlations (of OOF predictions), the
// paired t-tests behind ablation verdicts (Student's over seeds, and the
// corrected resampled test over CV folds), and the group-sequential rule
// of adaptive sweeps (Sequential).
//
// Means and standard deviations are computed the way numpy computes them
// (pairwise summation with numpy's blocking), so that a user who loads
// runs.csv in pandas or numpy gets bit-identical figures, not figures that
// differ in the last digit; the tests match correlations and tests to
// numpy and scipy.
package stats

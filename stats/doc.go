// Package stats holds the statistics kxrun reports.
//
// Means and standard deviations are computed the way numpy computes them
// (pairwise summation with numpy's blocking), so that a user who loads
// runs.csv in pandas or numpy gets bit-identical figures, not figures that
// differ in the last digit.
package stats

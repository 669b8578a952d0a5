// Package metrics computes the scores kxrun needs itself: those of a blend
// of runs, or of any run's out-of-fold predictions against its labels.
//
// Every metric gives the value scikit-learn gives on the same arrays (the
// tests compare them), so a score printed by kxrun and one computed in a
// notebook agree. Which way a metric improves (Direction) lives here too.
//
// Predictions are row-major: n rows of Cols values each, Cols = 1 for a
// 1-D array. Labels are one value per row; classification metrics want
// class indices (0/1 for the binary ones, 0..Cols-1 for 2-D predictions).
package metrics

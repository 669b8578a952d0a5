// Package plots draws kxrun's figures with gonum/plot and writes each as a
// PNG and an SVG, for the markdown reports to embed.
//
// Every function takes plain values (no tracker or study types), the
// paths of the PNG and the SVG to write (an empty path skips that
// format), and returns nil once both files are written. Files are written
// atomically: a temporary file in the same directory, synced, then
// renamed. When there is not enough data to draw anything meaningful
// nothing is written and the error is a *NotEnoughDataError whose Reason
// is a sentence a report can print as it is:
//
//	err := plots.CVvsLB(points, pearson, png, svg)
//	var nd *plots.NotEnoughDataError
//	switch {
//	case errors.As(err, &nd):
//		fmt.Fprintf(md, "No CV vs LB plot: %s.\n", nd.Reason)
//	case err != nil:
//		return err // a file could not be written
//	default:
//		fmt.Fprintf(md, "![CV vs LB](%s)\n", filepath.Base(png))
//	}
//
// The figures:
//
//   - AblationGains(Ablation, png, svg): one pair of bars per feature
//     group, its leave-one-out gain (all vs -g) and its add-to-base gain
//     (+g vs base), with confidence-interval error bars and a zero line.
//     Needs one group with a gain.
//   - SeedScores(Seeds, png, svg): each seed's CV score, their mean and a
//     ±1 standard deviation band. Needs 2 scores.
//   - CVvsLB(points []LBPoint, pearson float64, png, svg): runs' CV score
//     against their leaderboard score with the LB = CV diagonal; pearson
//     (computed by the caller, e.g. stats.Pearson; NaN shows as n/a) goes
//     in the title. Needs 3 points.
//   - CVHistory(points []HistoryPoint, direction string, png, svg): each
//     ok run's CV in run order and the best score so far, which follows
//     direction ("maximize" or "minimize"; anything else is maximize).
//     Needs 2 points.
//   - FoldScores(folds []float64, metric string, png, svg): one run's fold
//     scores joined by a line, with their mean. Needs one score, and
//     refuses a non-finite one.
//   - OOFCorrelation(labels, m, title, png, svg): a correlation matrix of
//     runs' OOF predictions as a heat map from -1 to 1, each cell labelled
//     with its value. Needs 2 runs.
//
// Non-finite values are left out (and counted as missing data). Scatters
// of many runs draw only the discs that can be seen (dense.go), so that a
// figure of 100,000 runs stays small in both formats.
package plots

// Package submit is the leaderboard side of a competition: it writes a
// submission file from a run's test predictions in the layout of the
// competition's sample submission, sends it with the official Kaggle CLI,
// and reads the CLI's listing of submissions back, matched to the runs
// they came from.
package submit

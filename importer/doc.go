// Package importer brings runs logged by another tracker into a kxrun
// tracker, with their scores, leaderboard results and prediction arrays:
// the directory of the lightweight Python tracker many Kaggle notebooks
// use (ImportPyTracker; layout in pytracker.go). Each imported run keeps
// where it came from, so that importing again adds nothing.
package importer

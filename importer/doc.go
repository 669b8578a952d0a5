// Package importer brings runs logged by other trackers into a kxrun
// tracker, with their scores, leaderboard results and prediction arrays.
package importer

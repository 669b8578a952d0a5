// Package tracker owns everything kxrun keeps on disk.
//
// Layout of a tracker directory:
//
//	runs.csv                      one row per run; the row is the commit point
//	details/<run_id>.json         the full record of a run
//	logs/<run_id>.log             stdout and stderr of the command
//	artifacts/oof_<model>_v<N>.npy, artifacts/test_<model>_v<N>.npy
//	configs/<run name>.yaml       the resolved config of a run
//	reports/                      markdown summaries
//	.lock                         held (flock) around every change
//	.work/                        staging areas of runs in progress
//
// Durability: every file is written under a temporary name, synced and
// renamed, and its directory synced. A run's files are all in place before
// its row is appended to runs.csv in a single write, so a crash at any
// moment leaves no row pointing to missing files. The details file is
// written first: an id whose details exist is never handed out again, even
// when a crash prevented its row. Appends and rewrites hold an exclusive
// lock so that several kxrun processes can share one tracker.
package tracker

// Package tracker owns everything kxrun keeps on disk, and builds every
// path into a tracker directory: other packages ask it for one
// (CSVPath, DetailsPath, ConfigPath, SubmissionPath, FigurePaths,
// Resolve for a recorded path) or have it write the file (Commit,
// WriteReport, SaveSubmission, SetFigureKey). It also names reports:
// a report and its figures share one base name, ReportName
// (<date>_<plan>_<kind>, PartialKind for a sweep stopped before its end).
// Besides the runs it keeps what sweeps share while they run (claims of
// fingerprints, progress for `kxrun status`, the exchange with Slurm
// jobs), reads runs.csv as it grows (RowsSince), and checks a tracker for
// damage (Doctor).
//
// Layout of a tracker directory:
//
//	runs.csv                      one row per run; the row is the commit point
//	details/<run_id>.json         the full record of a run, with its resolved config
//	logs/<run_id>.log             stdout and stderr of the command
//	artifacts/oof_<model>_v<N>.npy, artifacts/test_<model>_v<N>.npy
//	artifacts/sha256/<hash>.npy   labels and folds, kept once by content
//	configs/<run name>.yaml       the resolved config of a run, a one-run plan
//	                              (configs/<run name>.<run_id>.yaml when a run of
//	                              that name with another config has the name)
//	reports/                      markdown summaries and their figures (.png, .svg;
//	                              .<figure>.png.key: what a figure was drawn for)
//	submissions/<run_id>.csv      leaderboard submissions written from a run's test predictions
//	submissions/index.jsonl       which run each submission file came from (by sha256)
//	sweeps/s<N>.json              what each sweep did (kxrun sweeps)
//	baseline                      the run id of the baseline (kxrun baseline)
//	.lock                         held (flock) around every change
//	.work/                        staging areas of runs in progress, and the
//	                              exchange directories of sweeps on Slurm
//	                              (tasks, queue, exit files: see Exchange)
//	.work/claims/<owner>.jsonl    fingerprints being computed, and by whom
//	.work/status/<pid>.json       the progress of each running sweep (kxrun status)
//	.work/summary.json            a cache of the rows reports start from (summary.go)
//	.work/edit.json               an edit of runs.csv and details under way
//
// Durability: every file is written under a temporary name and renamed
// into place. A run's files are all in place and made durable by one sync
// of the file system (syncfs: data, names and renames at once) before its
// row is appended to runs.csv in a single synced write, so a crash at any
// moment leaves no row pointing to missing files. Rewrites of runs.csv and
// reports are synced file by file. The details file is
// written first: an id whose details exist is never handed out again, even
// when a crash prevented its row. Appends and rewrites hold an exclusive
// lock so that several kxrun processes can share one tracker. An edit of
// logged runs changes runs.csv and details together through a journal
// (edit.go). A rewrite keeps what it cannot read: unknown columns in
// place, unreadable rows byte for byte (table.go).
package tracker

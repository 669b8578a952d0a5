// Package runner runs training commands and turns what they did into
// results.
//
// It owns everything about a child process: its process group, its
// environment, streaming its output to a log without holding it in memory,
// timeouts, cancellation (SIGTERM to the whole group, SIGKILL after a grace
// period), the processes a run leaves behind (kxrun is their subreaper, and
// those that left the group are found by a marker in their environment),
// bounded concurrency, GPU slots, retries, and parsing the JSON result the
// trainer prints or writes, with the arrays and labels it names. It knows
// nothing of storage: callers pass hooks that prepare a workspace for a
// run and record a finished one.
//
// Two executors run the commands: Local, as children of kxrun, and Slurm,
// as tasks of a Slurm cluster's jobs (one job array per batch, or worker
// jobs taking tasks from a queue). A Slurm job runs the task with Local
// through `kxrun worker` (Worker) and writes an exit file on the shared
// file system; the executor learns outcomes from those files and asks
// squeue, in one call per poll interval, only about jobs that vanished.
package runner

// Package runner runs training commands and turns what they did into
// results.
//
// It owns everything about a child process: its process group, its
// environment, streaming its output to a log without holding it in memory,
// timeouts, cancellation (SIGTERM to the whole group, SIGKILL after a grace
// period), bounded concurrency, retries, and parsing the JSON result the
// trainer prints or writes. It knows nothing of storage: callers pass hooks
// that prepare a workspace for a run and record a finished one.
package runner

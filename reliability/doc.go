// Package reliability holds kxrun's fault-injection suite: kill -9 in the
// middle of sweeps and of rewrites of runs.csv (lb, archive, edit),
// concurrent writers, a full disk, hostile trainers,
// hostile plans and arguments, and secrets in the environment.
//
// It has no code of its own, only tests. They drive the real kxrun binary
// (built once per test run) and real trainer processes (the test binary
// re-executed as "hostiletrainer"), then check the tracker independently of
// kxrun's own reading of it. `go test ./reliability/` runs the short form
// in about 25 seconds; `make reliability` (build tag reliability) runs the
// long form and prints the table in docs/reliability.md.
package reliability

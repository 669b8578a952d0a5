// Package study turns a plan into runs and runs into conclusions: it wires
// the runner to the tracker (each finished run is committed as it ends),
// prints a line per run, and summarises what every feature group is worth.
package study

// Package study turns a plan into runs and runs into conclusions: it wires
// the runner to the tracker (each finished run is committed as it ends),
// prints a line per run, and computes what every feature group, seed and
// technique is worth (ablation, path, seed and adaptive summaries). It
// writes nothing but the runs it commits: the summaries' reports and
// figures are drawn by the report package, which fills their report and
// plot fields, into files the tracker names.
package study

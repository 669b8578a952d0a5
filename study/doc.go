// Package study turns a plan into runs and runs into conclusions: it wires
// the runner to the tracker (each finished run is committed as it ends),
// prints a line per run, and computes what every feature group, seed and
// technique is worth (ablation, path, seed and adaptive summaries). The
// figures of those summaries are drawn here into files whose paths the
// tracker gives (Tracker.FigurePaths); study builds no path into the
// tracker itself.
package study

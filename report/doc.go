// Package report renders what kxrun found for people: aligned tables for
// the terminal, JSON, markdown summaries and the figures of `kxrun
// report` (CV history, CV vs LB), and Summarize, which makes a whole
// report from the tracker's runs. It decides when a figure must be drawn
// again; every file it writes, and the key of each figure, is placed and
// stored by the tracker, which builds all the paths.
package report

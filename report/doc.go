// Package report renders what kxrun found for people: aligned tables for
// the terminal, JSON, markdown summaries and every figure kxrun writes:
// those of `kxrun report` (CV history, CV vs LB; Summarize makes the whole
// report from the tracker's runs), of a sweep (an ablation's gains, a seed
// study's scores: DrawAblationFigure, DrawSeedsFigure, which record the
// files or why there are none in the study's summary) and of `kxrun
// oofcorr`. It decides when a figure must be drawn again; every file it
// writes, and the key of each figure, is named and stored by the tracker,
// which builds all the paths. WriteCopy also copies a markdown report
// with its figures to a path of the user's (--report-md).
package report

// Package report renders what kxrun found for people: aligned tables for
// the terminal and markdown summaries for the tracker's reports folder.
package report

package report

import (
	"bytes"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// SummaryOptions say what `kxrun report` shows.
type SummaryOptions struct {
	// Load opens the tracker and reads its runs.
	Load func() (*tracker.Tracker, []tracker.Row, error)
	// Shown picks the runs of the table (the markdown covers all of them).
	Shown func(rows []tracker.Row) []tracker.Row
	Runs  RunsOptions // of the table
	JSON  bool        // the caller prints the summary as JSON, not the table
	Style Style
	Now   time.Time
}

// Summary is a report made: the table's summary, the table as text (none
// for JSON), and why the report files were not written, if they were not
// (the table is complete all the same).
type Summary struct {
	Runs     *RunsSummary
	Table    []byte
	FilesErr error
}

// RunsOptionError is a report asked for that the runs cannot give (a
// sort by CV of runs that mix directions, an unknown sort).
type RunsOptionError struct{ Err error }

func (e *RunsOptionError) Error() string { return e.Err.Error() }
func (e *RunsOptionError) Unwrap() error { return e.Err }

// Summarize makes `kxrun report`: the summary of the runs shown, the
// table, and reports/<date>_summary.md with its figures in the tracker.
func Summarize(opts SummaryOptions) (*Summary, error) {
	gc := holdGC()
	defer gc.release()
	tr, rows, err := opts.Load()
	if err != nil {
		return nil, err
	}
	gc.limit()
	baseline, err := tr.BaselineID()
	if err != nil {
		return nil, err
	}
	// The two summaries, a pass over every row each, are made at once.
	var sum *RunsSummary
	var sumErr error
	summarized := make(chan struct{})
	go func() {
		defer close(summarized)
		sum, sumErr = SummarizeRuns(opts.Shown(rows), baseline, opts.Runs)
	}()
	// The markdown recap covers every run, whatever the table shows.
	all, err := SummarizeRuns(rows, baseline, RunsOptions{All: true, NoList: true})
	<-summarized
	if sumErr != nil {
		return nil, &RunsOptionError{sumErr}
	}
	if err != nil {
		return nil, err
	}
	base := tracker.ReportName(opts.Now, "summary")
	// The figures take longest: they are drawn while the tables are
	// written, on another core when there is one.
	type drawn struct {
		md    string
		files []string
		err   error
	}
	figures := make(chan drawn, 1)
	go func() {
		var d drawn
		d.md, d.files, d.err = RunsFigures(all, rows, tr, base)
		figures <- d
	}()
	md := RunsMarkdown(all, opts.Now, "")
	out := &Summary{Runs: sum}
	if !opts.JSON {
		// A line is about 100 bytes. Not bytes.Buffer.Grow: it would
		// clear, and so fault in, all of it at once; untouched capacity
		// costs nothing.
		b := bytes.NewBuffer(make([]byte, 0, 128*(len(rows)+1)))
		RunsTable(b, sum, opts.Style)
		out.Table = b.Bytes()
	}
	fig := <-figures
	// The files are a copy of what is printed: a tracker that cannot be
	// written (read-only, another user's, a full disk) is still reported.
	err = fig.err
	if err == nil {
		var path string
		if path, err = tr.WriteReport(base+".md", append(md, fig.md...)); err == nil {
			sum.Saved = append(sum.Saved, path)
			sum.Saved = append(sum.Saved, fig.files...)
		}
	}
	out.FilesErr = err
	return out, nil
}

// A report keeps what it reads to the end (the file, the rows, the
// tables it writes): the collector, at its default pace a cycle each time
// the heap doubles, would scan 100,000 rows two or three times to find
// little garbage, with its write barriers and stack scans on both cores.
// So it stays off while a report runs, unless the user chose a pace
// (GOGC, GOMEMLIMIT); once the runs are read, a ceiling is set where it
// starts again. At the default pace, `kxrun report` on 100,000 runs takes
// about 40% longer.
type gcHold struct {
	held     bool
	percent  int
	memLimit int64
}

// holdGC turns the collector off.
func holdGC() gcHold {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return gcHold{}
	}
	return gcHold{held: true, percent: debug.SetGCPercent(-1), memLimit: debug.SetMemoryLimit(-1)}
}

// limit lets the collector run again past three times the heap held
// now, and 64 MB. Once the runs are read, the rest of a report allocates
// about 1.3 times as much again (132 MB in all for 100,000 runs, 59 MB of
// them held after reading), so the ceiling is not reached, and it bounds
// the heap of a report that would need more.
func (g gcHold) limit() {
	if !g.held {
		return
	}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		debug.SetMemoryLimit(int64(3*s[0].Value.Uint64()) + 64<<20)
	}
}

// release turns the collector back on as it was.
func (g gcHold) release() {
	if g.held {
		debug.SetMemoryLimit(g.memLimit)
		debug.SetGCPercent(g.percent)
	}
}

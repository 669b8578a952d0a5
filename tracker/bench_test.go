package tracker

import (
	"fmt"
	"slices"
	"testing"
)

// BenchmarkCommit is the durable logging of runs with a log (details,
// log, row), one at a time and in batches as a sweep's committer makes them
// when runs end together. ns/op is per run.
func BenchmarkCommit(b *testing.B) {
	for _, batch := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) { benchCommit(b, batch, false) })
	}
}

// BenchmarkCommitConfig is BenchmarkCommit with each run's config file
// (configs/<run name>.yaml), as sweeps commit them.
func BenchmarkCommitConfig(b *testing.B) {
	for _, batch := range []int{1, 16} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) { benchCommit(b, batch, true) })
	}
}

func benchCommit(b *testing.B, batch int, config bool) {
	tr := mustOpen(b, b.TempDir())
	st, err := tr.NewStaging()
	if err != nil {
		b.Fatal(err)
	}
	defer st.Remove()
	cfg := []byte("# Resolved config of run bench: variant all of plan p, seed 1.\nname: p\ncommand: [train]\nbase_features: [a, b, c]\nparams: {lr: 0.1}\n")
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		var pending []Pending
		for j := i; j < min(i+batch, b.N); j++ {
			logPath, log, err := st.NewLog()
			if err != nil {
				b.Fatal(err)
			}
			log.WriteString("training output\n")
			log.Close()
			files := Files{Log: logPath}
			if config {
				files.Config = fmt.Appendf(slices.Clip(cfg), "seeds: [%d]\n", j)
			}
			pending = append(pending, Pending{Record: sampleRecord(fmt.Sprintf("bench_%d", j), 0.5), Files: files})
		}
		if _, err := tr.CommitBatch(pending); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSVAppend is the append of one row alone, under the lock.
func BenchmarkCSVAppend(b *testing.B) {
	tr := mustOpen(b, b.TempDir())
	row := RowOf(sampleRecord("bench", 0.5))
	b.ResetTimer()
	for i := range b.N {
		row.Number, row.RunID = i+1, FormatID(i+1)
		l, err := acquire(tr.path(lockName))
		if err != nil {
			b.Fatal(err)
		}
		if err := tr.refresh(true); err != nil {
			b.Fatal(err)
		}
		if err := tr.appendRows([]Row{row}); err != nil {
			b.Fatal(err)
		}
		l.release()
	}
}

// BenchmarkRuns reads a tracker of 10,000 runs.
func BenchmarkRuns(b *testing.B) {
	tr := mustOpen(b, b.TempDir())
	rows := make([]Row, 10_000)
	for i := range rows {
		rows[i] = RowOf(sampleRecord(fmt.Sprintf("r%d", i), 0.5))
		rows[i].Number, rows[i].RunID = i+1, FormatID(i+1)
	}
	if err := tr.appendRows(rows); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		got, _, err := tr.Runs()
		if err != nil || len(got) != len(rows) {
			b.Fatal(err, len(got))
		}
	}
}

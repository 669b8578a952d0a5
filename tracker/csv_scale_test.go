package tracker

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// historyCSV is runs.csv of a long competition: n runs of ablation sweeps,
// manual logs with notes, a few failures and leaderboard scores.
func historyCSV(n int) ([]Row, []byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]Row, n)
	date := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		seed := int64([]int{42, 123, 456}[i%3])
		mean := 0.78 + 0.03*rng.Float64()
		rec := &Record{
			Number: i + 1, RunID: FormatID(i + 1), Date: date.Add(time.Duration(i) * time.Minute),
			Name: fmt.Sprintf("sweep%d_minus_family_s%d", i/24, seed), Plan: fmt.Sprintf("sweep%d", i/24),
			Variant: "-family", Seed: &seed, Status: "ok", Metric: "auc", Direction: "maximize", ModelType: "lgb",
			Features: make([]string, 8+rng.IntN(50)), ParamsHash: "3461daa6fc8a", Source: "ablation",
			CVScores: []float64{mean + 0.001, mean - 0.002, mean + 0.0034, mean, mean - 0.0024},
			CVScore:  &mean, CVStd: fp(0.004 * rng.Float64()), DurationS: 600 * rng.Float64(),
			Fingerprint: fmt.Sprintf("%032x", rng.Uint64()),
		}
		switch {
		case i%25 == 3:
			rec.Status, rec.Reason, rec.CVScore, rec.CVStd, rec.CVScores = "failed", "exit status 1: KeyError: 'title'", nil, nil, nil
		case i%4 == 1:
			rec.Source, rec.Plan, rec.Variant, rec.Fingerprint = "log", "", "", ""
			rec.Name = fmt.Sprintf("lgb_te_v%d", i+1)
			rec.Notes = "target encoding, 5-fold \"smoothing\""
		}
		if i%33 == 0 && rec.CVScore != nil {
			rec.LBScore = fp(mean - 0.008)
		}
		rows[i] = RowOf(rec)
		if rows[i].CVFolds == nil {
			rows[i].CVFolds = []float64{} // "[]" reads back as an empty list
		}
	}
	return rows, encodeRows(rows, Columns, true)
}

func TestParseHistory(t *testing.T) {
	want, data := historyCSV(3000)
	p, err := parseCSV(data, "runs.csv")
	if err != nil || len(p.warnings) > 0 {
		t.Fatal(err, p.warnings)
	}
	if diff := cmp.Diff(want, p.rows); diff != "" {
		t.Errorf("rows read back (-want +got):\n%s", diff)
	}
	if p.goodEnd != int64(len(data)) || p.torn {
		t.Errorf("good end %d of %d, torn %v", p.goodEnd, len(data), p.torn)
	}
}

// Reading in parts must give what encoding/csv gives, whatever the parts:
// notes spanning lines, quotes, rows that cannot be decoded.
func TestParsePartsIsGeneral(t *testing.T) {
	rows, _ := historyCSV(2000)
	for i := range rows {
		switch i % 97 {
		case 5:
			rows[i].Notes = "two\nlines, \"quoted\"\n"
		case 6:
			rows[i].Reason = "\""
		}
	}
	data := encodeRows(rows, Columns, true)
	// Undecodable rows: a bad run id, a bad score.
	data = bytes.Replace(data, []byte("\nrun_1500,"), []byte("\nrun_x,"), 1)
	data = bytes.Replace(data, []byte("\nrun_1700,"), []byte("\nrun_1700,2026-01-01T00:00:00Z,n,,,,0.5x,,[],,,1,m,auc,maximize,h,ok,1.0,,,,log,\nrun_1700b,"), 1)
	header := bytes.IndexByte(data, '\n') + 1
	body := data[header:]
	index := Columns
	want, err := parseGeneral(body, index, "runs.csv", 1)
	if err != nil || len(want.warnings) != 3 {
		t.Fatalf("encoding/csv: %v, warnings %q", err, want.warnings)
	}
	for n := 1; n <= 7; n++ {
		got, ok := parseParts(body, index, "runs.csv", 1, n)
		if !ok {
			t.Fatalf("%d parts: not read", n)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(parsed{})); diff != "" {
			t.Fatalf("%d parts (-encoding/csv +parts):\n%s", n, diff)
		}
	}
	// What encoding/csv reads differently or refuses is left to it.
	for _, bad := range []string{"run_001,a\"b\n", "run_001,\"a\"b\n", "run_001,a\r\n", "\nrun_001,a\n", "run_001,\"a\n"} {
		if _, ok := parseParts([]byte(bad), index, "runs.csv", 1, 2); ok {
			t.Errorf("%q read the fast way", bad)
		}
	}
}

// FuzzParseParts: whatever the data, reading it in parts either gives up
// (for encoding/csv to read it) or gives what encoding/csv gives.
func FuzzParseParts(f *testing.F) {
	_, data := historyCSV(40)
	body := data[bytes.IndexByte(data, '\n')+1:]
	f.Add(body, 3)
	f.Add([]byte("run_001,\"a\nb\",\"\"\"\"\nrun_002,x\n"), 2)
	f.Add([]byte("run_001,a\"b\n"), 1)
	index := Columns
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		n = 1 + (n&0xff)%8
		got, ok := parseParts(data, index, "runs.csv", 1, n)
		if !ok {
			return
		}
		want, err := parseGeneral(data, index, "runs.csv", 1)
		if err != nil {
			t.Fatalf("read in %d parts, but encoding/csv says %v", n, err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(parsed{})); diff != "" {
			t.Fatalf("%d parts (-encoding/csv +parts):\n%s", n, diff)
		}
	})
}

// BenchmarkParse100k reads runs.csv of 100,000 runs, as every command
// that lists runs does (report, compare, show, the run cache of a sweep).
func BenchmarkParse100k(b *testing.B) {
	_, data := historyCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p, err := parseCSV(data, "runs.csv")
		if err != nil || len(p.rows) != 100_000 {
			b.Fatal(err, len(p.rows))
		}
	}
}

// parseFloat must be strconv.ParseFloat: same value, same bits, an error
// for the same strings.
func TestParseFloatIsStrconv(t *testing.T) {
	same := func(s string) {
		t.Helper()
		got, gerr := parseFloat(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("%q: %v (%v), strconv %v (%v)", s, got, gerr, want, werr)
		}
	}
	// Every string of up to 5 characters over a small alphabet.
	eachString("019.-+eE_n", 5, same)
	for _, s := range []string{"0.7743472000000001", "0.78252199999999994", "9007199254740993", "9007199254740992",
		"0.1234567890123456789", "-0", "-0.0", "1" + strings0(22), "0." + strings0(22) + "1", "123456789012345678901234",
		"NaN", "Inf", "-Inf", "0x1p-2", "1e308", "4.9e-324", " 1", "1 ", "00000000000000000000000001.5"} {
		same(s)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200_000 {
		f := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
		same(strconv.FormatFloat(f, 'g', -1, 64))
		same(strconv.FormatFloat(f, 'f', rng.IntN(20), 64))
	}
}

// eachString calls f with every string of up to n characters of alphabet.
func eachString(alphabet string, n int, f func(string)) {
	var gen func(prefix string)
	gen = func(prefix string) {
		f(prefix)
		if len(prefix) == n {
			return
		}
		for _, c := range alphabet {
			gen(prefix + string(c))
		}
	}
	gen("")
}

func strings0(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

package report

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cellRunsTable is the runs table made cell by cell with table.add, as it
// was before runRows: the reference RunsTable must write the same bytes
// as.
func cellRunsTable(s *RunsSummary, compact bool) *table {
	t := &table{
		header: []string{"run", "name", "CV mean", "CV std", "LB", "CV-LB gap", "n_features", "model", "status"},
		right:  []bool{false, false, true, true, true, true, true, false, false},
		shrink: 1,
	}
	if compact {
		t.header = []string{"run", "name", "CV", "std", "LB", "gap", "feats", "model", "status"}
	}
	for _, r := range s.rows {
		status := r.Status
		switch {
		case r.Archived && compact:
			status = "archived"
		case r.Archived:
			status += " (archived)"
		}
		color := ""
		switch {
		case r.Status != "ok":
			color = colorRed
		case r.Archived:
			color = colorDim
		case s.BestCV != nil && r.RunID == s.BestCV.RunID || s.BestLB != nil && r.RunID == s.BestLB.RunID:
			color = colorGreen
		}
		t.add(color, r.RunID, r.Name, opt(r.CVScore), opt(r.CVStd), opt(r.LBScore), signedOpt(r.CVLBGap),
			strconv.Itoa(r.NFeatures), r.ModelType, status)
	}
	return t
}

// TestRunsTableIsCellTable: RunsTable writes what the cell-by-cell table
// writes, for runs with every kind of status and number (archived,
// failed, missing, negative, huge, NaN), in colour or not, at widths that
// keep or shorten the headers and names.
func TestRunsTableIsCellTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	rows := history(3000)
	nums := []*float64{nil, f(0), f(math.Copysign(0, -1)), f(-0.25), f(1e300), f(math.NaN()), f(math.Inf(-1)), f(123456.5)}
	for i := range rows {
		r := &rows[i]
		if i%7 == 0 {
			r.Archived = true
		}
		if i%11 == 0 {
			r.CVStd, r.LBScore, r.CVLBGap = nums[rng.IntN(len(nums))], nums[rng.IntN(len(nums))], nums[rng.IntN(len(nums))]
			r.NFeatures = -rng.IntN(1000)
			r.Name = fmt.Sprintf("a ✓ long name, run %d of the competition", i)
		}
	}
	for _, o := range []RunsOptions{{}, {All: true}, {All: true, Sort: "cv", Top: 100}, {Sort: "lb"}} {
		s, err := SummarizeRuns(rows, "", o)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []Style{{}, {Color: true}, {Width: 80}, {Width: 110, Color: true}, {Width: 30}} {
			want := cellRunsTable(s, false)
			if !want.fits(st) {
				want = cellRunsTable(s, true)
			}
			var w bytes.Buffer
			want.render(&w, st)
			var got bytes.Buffer
			RunsTable(&got, s, st)
			table, _, _ := bytes.Cut(got.Bytes(), []byte("\n\n")) // the summary lines follow
			if diff := cmp.Diff(w.String(), string(table)+"\n"); diff != "" {
				t.Fatalf("%+v, %+v (-cells +RunsTable):\n%s", o, st, diff)
			}
		}
	}
}

package interop

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kxrun/kxrun/internal/debpython"
	"github.com/kxrun/kxrun/npyfile"
)

type submissionCheck struct {
	HeaderEqual bool  `json:"header_equal"`
	IDsEqual    bool  `json:"ids_equal"`
	ValuesEqual bool  `json:"values_equal"`
	Shape       []int `json:"shape"`
	DefaultMiss int   `json:"default_parser_mismatches"`
}

// writeSample writes a sample submission with ids 1000.. and the given
// prediction columns (zeros).
func writeSample(t *testing.T, path string, rows int, cols ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id," + strings.Join(cols, ",") + "\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d%s\n", 1000+i, strings.Repeat(",0", len(cols)))
	}
	writeFile(t, path, b.String())
}

type detailsSubs struct {
	Artifacts map[string]struct {
		Path  string `json:"path"`
		Shape []int  `json:"shape"`
	} `json:"artifacts"`
	Submissions []struct {
		Path        string  `json:"path"`
		SHA256      string  `json:"sha256"`
		Rows        int     `json:"rows"`
		Competition string  `json:"competition"`
		Message     string  `json:"message"`
		SubmittedAt *string `json:"submitted_at"`
		Ref         string  `json:"ref"`
		Status      string  `json:"status"`
	} `json:"submissions"`
	LBScore   *float64 `json:"lb_score"`
	PrivateLB *float64 `json:"private_lb"`
}

// TestSubmissionReadBack writes the submission of a run of the
// scikit-learn sweep (1-D) and of a run with 2-D predictions, reads both
// back with pandas: the sample's header and ids, and exactly the arrays'
// values. Samples that do not fit are refused and nothing is written.
func TestSubmissionReadBack(t *testing.T) {
	t.Parallel()
	dir := scikitSweep(t)
	exp := filepath.Join(dir, "exp")
	var rec detailsSubs
	readJSON(t, filepath.Join(exp, "details", "run_002.json"), &rec)
	rows := rec.Artifacts["test"].Shape[0]
	sample := filepath.Join(dir, "sample.csv")
	writeSample(t, sample, rows, "target")
	mustKxrun(t, 0, dir, "submission", "run_002", "--sample", sample, "--dir", "exp")
	sub := filepath.Join(exp, "submissions", "run_002.csv")
	var got submissionCheck
	pythonJSON(t, &got, testdata(t, "submission_check.py"), sub, filepath.Join(exp, rec.Artifacts["test"].Path), sample)
	if !got.HeaderEqual || !got.IDsEqual || !got.ValuesEqual {
		t.Errorf("pandas reads back %+v", got)
	}
	t.Logf("pandas' default float parser misreads %d of %d values; float_precision=\"round_trip\" reads all exactly", got.DefaultMiss, rows)
	readJSON(t, filepath.Join(exp, "details", "run_002.json"), &rec)
	if len(rec.Submissions) != 1 || rec.Submissions[0].Path != "submissions/run_002.csv" ||
		rec.Submissions[0].SHA256 != fileSHA256(t, sub) || rec.Submissions[0].Rows != rows {
		t.Errorf("details record %+v", rec.Submissions)
	}

	// 2-D: one column per class, in the sample's order.
	r := rand.New(rand.NewPCG(1, 2))
	n := 50
	test := make([]float64, n*3)
	for i := range test {
		test[i] = r.Float64() / 3
	}
	test[0], test[1] = 1e-300, 0.1+0.2
	own := t.TempDir()
	testPath := filepath.Join(own, "test2d.npy")
	if err := npyfile.WriteFloat64(testPath, test, []int{n, 3}); err != nil {
		t.Fatal(err)
	}
	mustKxrun(t, 0, own, "log", "--dir", "exp", "--name", "multi", "--cv", "0.5", "--test", testPath)
	sample3 := filepath.Join(own, "sample3.csv")
	writeSample(t, sample3, n, "class_b", "class_a", "class_c")
	out := filepath.Join(own, "sub3.csv")
	mustKxrun(t, 0, own, "submission", "run_001", "--sample", sample3, "--out", out, "--dir", "exp")
	pythonJSON(t, &got, testdata(t, "submission_check.py"), out, testPath, sample3)
	if !got.HeaderEqual || !got.IDsEqual || !got.ValuesEqual || !cmp.Equal(got.Shape, []int{n, 3}) {
		t.Errorf("pandas reads back %+v", got)
	}

	for _, tc := range []struct {
		name   string
		rows   int
		cols   []string
		stderr string
	}{
		{"rows", n - 1, []string{"a", "b", "c"}, "the sample has 49 rows but the run's test predictions have 50"},
		{"columns", n, []string{"a", "b"}, "the sample has 3 columns"},
		{"extra column", n, []string{"a", "b", "c", "d"}, "the sample has 5 columns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(own, tc.name+".csv")
			writeSample(t, bad, tc.rows, tc.cols...)
			dst := filepath.Join(own, "refused_"+tc.name+".csv")
			res := kxrun(t, own, "submission", "run_001", "--sample", bad, "--out", dst, "--dir", "exp")
			if res.code != 2 || !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("exit %d, want 2 saying %q:\n%s", res.code, tc.stderr, res.stderr)
			}
			if _, err := os.Stat(dst); err == nil {
				t.Error("a refused submission was written")
			}
		})
	}
}

// fakeKaggle installs a kaggle program that records its arguments (one
// per line, a blank line after each call) and prints the listing file for
// `competitions submissions`.
func fakeKaggle(t *testing.T, listing string) (binDir, logPath string) {
	t.Helper()
	binDir = t.TempDir()
	logPath = filepath.Join(binDir, "calls.log")
	script := fmt.Sprintf(`#!/bin/sh
for a in "$@"; do printf '%%s\n' "$a"; done >> %q
echo >> %q
case "$1 $2" in
"competitions submit") echo "Successfully submitted to the competition" ;;
"competitions submissions") cat %q ;;
*) echo "unexpected: $*" >&2; exit 2 ;;
esac
`, logPath, logPath, listing)
	writeFile(t, filepath.Join(binDir, "kaggle"), script)
	if err := os.Chmod(filepath.Join(binDir, "kaggle"), 0o755); err != nil {
		t.Fatal(err)
	}
	return binDir, logPath
}

func withPath(dir string) []string {
	env := cleanEnv()
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + dir + string(os.PathListSeparator) + kv[len("PATH="):]
		}
	}
	return env
}

type syncJSON struct {
	Recorded []struct {
		RunID   string   `json:"run_id"`
		Public  *float64 `json:"lb_score"`
		Private *float64 `json:"private_lb"`
	} `json:"recorded"`
	Waiting []struct {
		FileName string `json:"file_name"`
		Status   string `json:"status"`
	} `json:"waiting"`
	Unmatched []struct {
		FileName string `json:"file_name"`
		Why      string `json:"why"`
	} `json:"unmatched"`
}

// TestSubmitAndSync submits runs through a fake Kaggle CLI, syncs a
// listing with pending, errored, public-only and public+private rows, and
// checks the scores recorded, the rows left alone, and the report's
// shake-up correlations against scipy.
func TestSubmitAndSync(t *testing.T) {
	debpython.Require(t, "numpy", "pandas", "scipy")
	t.Parallel()
	dir := t.TempDir()
	listing := filepath.Join(dir, "listing.csv")
	bin, calls := fakeKaggle(t, listing)
	env := withPath(bin)
	kx := func(want int, args ...string) cmdResult {
		t.Helper()
		res := run(t, dir, env, kxrunBin, append(args, "--dir", "exp")...)
		if res.code != want {
			t.Fatalf("kxrun %s: exit %d, want %d\n%s", strings.Join(args, " "), res.code, want, res.stderr)
		}
		return res
	}
	testPath := filepath.Join(dir, "test.npy")
	if err := npyfile.WriteFloat64(testPath, []float64{0.1, 0.2, 0.3}, []int{3}); err != nil {
		t.Fatal(err)
	}
	sample := filepath.Join(dir, "sample.csv")
	writeSample(t, sample, 3, "target")
	cvs := []string{"0.80", "0.82", "0.79", "0.85", "0.81", "0.78", "0.83"}
	for i, cv := range cvs {
		// Each run's test predictions differ, so each submission file does.
		p := filepath.Join(dir, fmt.Sprintf("test%d.npy", i))
		if err := npyfile.WriteFloat64(p, []float64{0.1, 0.2, float64(i) / 10}, []int{3}); err != nil {
			t.Fatal(err)
		}
		kx(0, "log", "--name", fmt.Sprintf("m%d", i+1), "--cv", cv, "--test", p)
	}
	kx(0, "submit", "run_001", "--competition", "comp", "--sample", sample, "-m", "first try")
	log, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	wantCall := strings.Join([]string{"competitions", "submit", "comp", "-f", filepath.Join(dir, "exp", "submissions", "run_001.csv"), "-m", "kxrun:run_001 first try"}, "\n") + "\n\n"
	if diff := cmp.Diff(wantCall, string(log)); diff != "" {
		t.Errorf("kaggle called with (-want +got):\n%s", diff)
	}
	var rec detailsSubs
	readJSON(t, filepath.Join(dir, "exp", "details", "run_001.json"), &rec)
	if len(rec.Submissions) != 1 || rec.Submissions[0].Competition != "comp" || rec.Submissions[0].Message != "kxrun:run_001 first try" || rec.Submissions[0].SubmittedAt == nil {
		t.Errorf("details: %+v", rec.Submissions)
	}
	for _, id := range []string{"run_002", "run_003", "run_004", "run_006", "run_007"} {
		kx(0, "submission", id, "--sample", sample)
	}
	// run_005's file is submitted by hand, under its own name, without the token.
	kx(0, "submission", "run_005", "--sample", sample, "--out", filepath.Join(dir, "blend_final.csv"))

	writeFile(t, listing, `Warning: Looks like you're using an outdated API Version, please consider updating (server 1.7.4 / client 1.6.0)
ref,fileName,date,description,status,publicScore,privateScore
50009,old_notebook.csv,2026-11-30 10:00:00,my notebook,SubmissionStatus.COMPLETE,0.70000,0.69000
50008,run_099.csv,2026-11-30 09:00:00,kxrun:run_099 gone,SubmissionStatus.COMPLETE,0.71000,0.70000
50007,run_007.csv,2026-11-30 08:00:00,kxrun:run_007 still running,SubmissionStatus.PENDING,,
50006,run_006.csv,2026-11-30 07:00:00,kxrun:run_006 broken,SubmissionStatus.ERROR,None,None
50005,blend_final.csv,2026-11-30 06:00:00,final blend,SubmissionStatus.COMPLETE,0.81500,0.80500
50004,run_004.csv,2026-11-30 05:00:00,kxrun:run_004,SubmissionStatus.COMPLETE,0.84000,
50003,run_003.csv,2026-11-30 04:00:00,"kxrun:run_003 ""quoted"", with comma",SubmissionStatus.COMPLETE,0.78500,0.79000
50002,run_002.csv,2026-11-30 03:00:00,kxrun:run_002 second,complete,0.82500,0.81000
50001,run_001.csv,2026-11-30 02:00:00,kxrun:run_001 first try,SubmissionStatus.COMPLETE,0.83000,0.80000
`)
	res := kx(0, "lb", "--sync", "--competition", "comp", "--json")
	var s syncJSON
	if err := json.Unmarshal([]byte(res.stdout), &s); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	f := func(v float64) *float64 { return &v }
	type rec3 struct {
		RunID           string
		Public, Private *float64
	}
	var recorded []rec3
	for _, r := range s.Recorded {
		recorded = append(recorded, rec3{r.RunID, r.Public, r.Private})
	}
	want := []rec3{
		{"run_005", f(0.815), f(0.805)}, {"run_004", f(0.84), nil}, {"run_003", f(0.785), f(0.79)},
		{"run_002", f(0.825), f(0.81)}, {"run_001", f(0.83), f(0.8)},
	}
	if diff := cmp.Diff(want, recorded); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
	if len(s.Waiting) != 2 || s.Waiting[0].Status != "pending" || s.Waiting[1].Status != "error" {
		t.Errorf("waiting: %+v", s.Waiting)
	}
	if len(s.Unmatched) != 2 || s.Unmatched[0].FileName != "old_notebook.csv" || !strings.Contains(s.Unmatched[1].Why, "run_099") {
		t.Errorf("unmatched: %+v", s.Unmatched)
	}
	if !strings.Contains(string(mustRead(t, calls)), "competitions\nsubmissions\ncomp\n--csv\n") {
		t.Errorf("the listing was not asked for: %s", mustRead(t, calls))
	}
	readJSON(t, filepath.Join(dir, "exp", "details", "run_003.json"), &rec)
	if rec.LBScore == nil || *rec.LBScore != 0.785 || rec.PrivateLB == nil || *rec.PrivateLB != 0.79 || rec.Submissions[0].Ref != "50003" || rec.Submissions[0].Status != "complete" {
		t.Errorf("run_003 details: lb %v private %v %+v", rec.LBScore, rec.PrivateLB, rec.Submissions)
	}

	// kxrun lb FILE.csv SCORE finds the run by the file's sha256.
	kx(0, "lb", filepath.Join(dir, "exp", "submissions", "run_006.csv"), "0.775")
	if res := kx(2, "lb", sample, "0.5"); !strings.Contains(res.stderr, "is no submission kxrun wrote") {
		t.Errorf("an unknown file: %s", res.stderr)
	}

	// The report's correlations, against scipy on runs.csv.
	var rep struct {
		ShakeUp struct {
			RawCV    map[string]any `json:"cv_private"`
			RawPub   map[string]any `json:"public_private"`
			Closer   string         `json:"closer"`
			SpCV     float64        `json:"spearman_cv_private_common"`
			SpPublic float64        `json:"spearman_public_private_common"`
		} `json:"shake_up"`
		Correlation map[string]any `json:"cv_lb_correlation"`
	}
	res = kx(0, "report", "--json")
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	var sp map[string]any
	pythonJSON(t, &sp, testdata(t, "shakeup_check.py"), filepath.Join(dir, "exp", "runs.csv"))
	approx := cmpopts.EquateApprox(0, 1e-12)
	if diff := cmp.Diff(sp["cv_private"], rep.ShakeUp.RawCV, approx); diff != "" {
		t.Errorf("CV-private (-scipy +kxrun):\n%s", diff)
	}
	if diff := cmp.Diff(sp["public_private"], rep.ShakeUp.RawPub, approx); diff != "" {
		t.Errorf("public-private (-scipy +kxrun):\n%s", diff)
	}
	cvPub := sp["cv_public"].(map[string]any)
	if diff := cmp.Diff(cvPub["spearman"], rep.Correlation["spearman"], approx); diff != "" {
		t.Errorf("CV-public (-scipy +kxrun):\n%s", diff)
	}
	// The public LB put run_001 first; CV and the private LB agree on the order.
	closer := "cv"
	if sp["common_cv"].(float64) <= sp["common_public"].(float64) {
		t.Fatalf("the fixture should make CV closer to the private LB: scipy %v vs %v", sp["common_cv"], sp["common_public"])
	}
	if rep.ShakeUp.Closer != closer || math.Abs(rep.ShakeUp.SpCV-sp["common_cv"].(float64)) > 1e-12 {
		t.Errorf("closer %q (Spearman %v vs %v), scipy %v vs %v", rep.ShakeUp.Closer, rep.ShakeUp.SpCV, rep.ShakeUp.SpPublic, sp["common_cv"], sp["common_public"])
	}
	text := kx(0, "report").stdout
	if !strings.Contains(text, "CV-private Pearson") || !strings.Contains(text, "ranked the runs closer to the private LB") {
		t.Errorf("the report does not show the shake-up:\n%s", text)
	}

	// Without the Kaggle CLI: how to install it, and the file to upload.
	noCLI := run(t, dir, cleanEnv(), kxrunBin, "submit", "run_002", "--competition", "comp", "--dir", "exp")
	if noCLI.code != 0 || !strings.Contains(noCLI.stderr, "pip install kaggle") || !strings.Contains(noCLI.stdout, filepath.Join(dir, "exp", "submissions", "run_002.csv")) {
		t.Errorf("without kaggle: exit %d\n%s\n%s", noCLI.code, noCLI.stdout, noCLI.stderr)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat"

	"github.com/kxrun/kxrun/tracker"
)

// spearman is Pearson's r of the ranks (the scores here have no ties).
func spearman(x, y []float64) float64 {
	rank := func(v []float64) []float64 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmpFloat(v[a], v[b]) })
		r := make([]float64, len(v))
		for k, i := range idx {
			r[i] = float64(k + 1)
		}
		return r
	}
	return stat.Correlation(rank(x), rank(y), nil)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The leaderboard reads private scores from runs.csv (as kxrun lb --sync
// records them) and says which of CV and the public LB predicted them.
func TestLeaderboardPrivate(t *testing.T) {
	tr := fixture(t)
	// Private scores that follow CV's order of the manual runs, not the
	// public LB's (0.79, 0.81, 0.74, 0.70 for CVs rising with i).
	private := map[string]float64{"manual_0": 0.69, "manual_1": 0.72, "manual_2": 0.75, "manual_3": 0.78, "abl_all_s1": 0.801}
	rows := readRows(t, tr)
	var updates []tracker.LBUpdate
	for _, r := range rows {
		if p, ok := private[r.Name]; ok {
			updates = append(updates, tracker.LBUpdate{RunID: r.RunID, Private: fptr(p)})
		}
	}
	if _, err := tr.SetLeaderboard(updates); err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, tr, Options{})

	var cv, pub, priv []float64
	var want [][]string
	for _, r := range readRows(t, tr) {
		if r.Status != "ok" || r.Archived || r.LBScore == nil {
			continue
		}
		if r.PrivateLB == nil {
			t.Fatalf("%s: no private_lb in runs.csv after SetLeaderboard", r.Name)
		}
		cv, pub, priv = append(cv, *r.CVScore), append(pub, *r.LBScore), append(priv, *r.PrivateLB)
		want = append(want, []string{r.RunID, r.Name, fmt.Sprintf("%.5f", *r.CVScore), fmt.Sprintf("%.5f", *r.LBScore),
			fmt.Sprintf("%+.5f", *r.CVLBGap), fmt.Sprintf("%.5f", *r.PrivateLB)})
	}
	slices.SortStableFunc(want, func(a, b []string) int { return strings.Compare(b[3], a[3]) })
	body := mustGet(t, ts, "/leaderboard")
	if d := gocmp.Diff(want, cells(t, body, "runs lb")); d != "" {
		t.Errorf("leaderboard rows (-want +got):\n%s", d)
	}
	n := fmt.Sprint(len(cv))
	f4 := func(x float64) string { return fmt.Sprintf("%.4f", x) }
	wantShake := [][]string{
		{"", "runs", "Pearson r", "Spearman ρ"},
		{"CV – private", n, f4(stat.Correlation(cv, priv, nil)), f4(spearman(cv, priv))},
		{"public – private", n, f4(stat.Correlation(pub, priv, nil)), f4(spearman(pub, priv))},
	}
	if d := gocmp.Diff(wantShake, cells(t, body, "kv shakeup")); d != "" {
		t.Errorf("shake-up table (-want +got):\n%s", d)
	}
	spCV, spPub := spearman(cv, priv), spearman(pub, priv)
	if spCV <= spPub {
		t.Fatalf("fixture: CV should rank closer (Spearman %v vs %v)", spCV, spPub)
	}
	closer := fmt.Sprintf("CV ranked the runs closer to the private LB than the public LB did (Spearman %.3f vs %.3f over %d runs)", spCV, spPub, len(cv))
	if !strings.Contains(body, `<p class="closer">`+closer) {
		t.Errorf("no verdict %q in the leaderboard", closer)
	}

	// A metric named private_lb is a metric like any other, not the
	// private score.
	fresh := fixture(t)
	i, _ := tracker.Find(readRows(t, fresh), "manual_1")
	id := readRows(t, fresh)[i].RunID
	rec, _ := fresh.Details(id)
	rec.Metrics = map[string]float64{"private_lb": 0.5}
	writeJSONFile(t, detailsPath(fresh, id), rec)
	_, ts2 := newTestServer(t, fresh, Options{})
	body = mustGet(t, ts2, "/leaderboard")
	if strings.Contains(body, "private LB</th>") || strings.Contains(body, "shakeup") {
		t.Error("a private_lb metric is shown as the private leaderboard score")
	}
}

// The run page lists the run's submissions, with a download link for the
// files inside the tracker; an ensemble's members and an executor's
// record are shown too.
func TestRunPageResults(t *testing.T) {
	tr := fixture(t)
	rows := readRows(t, tr)
	i, _ := tracker.Find(rows, "manual_2")
	id := rows[i].RunID
	inside, err := tr.SaveSubmission(id, "", []byte("PassengerId,Survived\n892,0\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	outsidePath := filepath.Join(t.TempDir(), "sub.csv")
	outside, err := tr.SaveSubmission(id, outsidePath, []byte("PassengerId,Survived\n892,1\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.SetLeaderboard([]tracker.LBUpdate{{RunID: id, SHA256: inside.SHA256, Ref: "4711", Status: "complete",
		Public: fptr(0.7751), Private: fptr(0.7702)}}); err != nil {
		t.Fatal(err)
	}
	if err := tr.NoteSubmitted(id, inside.SHA256, "titanic", "first", inside.WrittenAt); err != nil {
		t.Fatal(err)
	}
	rec, err := tr.Details(id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Ensemble = &tracker.EnsembleInfo{Method: "weights", Metric: "auc", InSample: 0.8412, Honest: 0.83981, FoldsFrom: "runs",
		BestSingle: rows[0].RunID, BestScore: 0.8371, Members: []tracker.EnsembleMember{
			{RunID: rows[0].RunID, Name: rows[0].Name, Weight: 0.625, Score: 0.8371},
			{RunID: rows[1].RunID, Name: rows[1].Name, Weight: 0.375, Score: 0.8302}}}
	rec.Executor = map[string]string{"slurm_job_id": "41", "slurm_node": "n1", "slurm_state": "COMPLETED"}
	writeJSONFile(t, detailsPath(tr, id), rec)
	_, ts := newTestServer(t, tr, Options{})

	// The numbers as the tracker reads them back.
	rec, err = tr.Details(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Submissions) != 2 {
		t.Fatalf("%d submissions recorded, want 2", len(rec.Submissions))
	}
	sub := rec.Submissions[0]
	if sub.Path != "submissions/"+id+".csv" || !filepath.IsAbs(rec.Submissions[1].Path) {
		t.Fatalf("submission paths %q, %q", sub.Path, rec.Submissions[1].Path)
	}
	body := mustGet(t, ts, "/run/"+id)
	want := [][]string{
		{"file", "rows", "sha256", "competition", "status", "public", "private"},
		{sub.Path, "1", sub.SHA256, "titanic", "complete", fmt.Sprintf("%.5f", *sub.PublicScore), fmt.Sprintf("%.5f", *sub.PrivateScore)},
		{outside.Path + " (outside the tracker)", "1", outside.SHA256, "", "", "—", "—"},
	}
	if d := gocmp.Diff(want, cells(t, body, "submissions")); d != "" {
		t.Errorf("submissions (-want +got):\n%s", d)
	}
	link := fmt.Sprintf(`href="/run/%s/submission/1" download`, id)
	if !strings.Contains(body, link) || strings.Contains(body, "/submission/2") {
		t.Errorf("want a link to submission 1 only")
	}
	if got := mustGet(t, ts, "/run/"+id+"/submission/1"); got != "PassengerId,Survived\n892,0\n" {
		t.Errorf("submission 1: %q", got)
	}
	for _, p := range []string{"/submission/2", "/submission/3", "/submission/0", "/submission/x"} {
		if code, body := get(t, ts, "/run/"+id+p); code == http.StatusOK || strings.Contains(body, "892,1") {
			t.Errorf("%s: %d %q", p, code, body)
		}
	}
	// A symbolic link out of the tracker, named as a submission, is refused.
	secret := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(secret, []byte("SECRET"), 0o644)
	os.Symlink(secret, filepath.Join(tr.Dir, "submissions", "link.csv"))
	rec.Submissions = append(rec.Submissions, tracker.Submission{Path: "submissions/link.csv", SHA256: "00"})
	writeJSONFile(t, detailsPath(tr, id), rec)
	if code, body := get(t, ts, "/run/"+id+"/submission/3"); code == http.StatusOK || strings.Contains(body, "SECRET") {
		t.Errorf("symbolic link out: %d %q", code, body)
	}

	e := rec.Ensemble
	wantMembers := [][]string{{"member", "name", "weight", "score"}}
	for _, m := range e.Members {
		wantMembers = append(wantMembers, []string{m.RunID, m.Name, fmt.Sprintf("%.5f", m.Weight), fmt.Sprintf("%.5f", m.Score)})
	}
	if d := gocmp.Diff(wantMembers, cells(t, body, "members")); d != "" {
		t.Errorf("ensemble members (-want +got):\n%s", d)
	}
	wantEns := [][]string{{"method", "weights on auc"}, {"in-sample", "0.84120"}, {"honest", "0.83981 (folds from runs)"},
		{"best single", rows[0].RunID + " 0.83710"}}
	if d := gocmp.Diff(wantEns, cells(t, body, "kv ensemble")); d != "" {
		t.Errorf("ensemble (-want +got):\n%s", d)
	}
	wantExec := [][]string{{"slurm_job_id", "41"}, {"slurm_node", "n1"}, {"slurm_state", "COMPLETED"}}
	if d := gocmp.Diff(wantExec, cells(t, body, "kv executor")); d != "" {
		t.Errorf("executor (-want +got):\n%s", d)
	}
	if !strings.Contains(body, `<td class="private" title="0.7702">0.77020</td>`) {
		t.Error("no private LB in the run's scores")
	}

	// A run without any of these shows none of the sections.
	plain := mustGet(t, ts, "/run/"+rows[1].RunID)
	for _, h := range []string{"<h2>Submissions</h2>", "<h2>Ensemble</h2>", "<h2>Executor</h2>"} {
		if strings.Contains(plain, h) {
			t.Errorf("%s on a run without it", h)
		}
	}
}

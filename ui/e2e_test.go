package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// The end-to-end test builds kxrun and the demo trainer, makes a tracker
// with a real ablation, starts `kxrun ui` on it and reads every page in
// headless Chromium, checking what the page shows against the tracker's
// own reading and the ablation's JSON summary. Screenshots of each page
// go to /tmp/ui-<page>.png.

const chromiumPath = "/usr/bin/chromium"

func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds kxrun and drives Chromium")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		p, err := exec.LookPath("chromium")
		if err != nil {
			t.Skip("no Chromium: install Debian's chromium package (apt-get install chromium) to run the browser tests")
		}
		return p
	}
	return chromiumPath
}

// buildBinaries builds kxrun and the demo trainer into dir.
func buildBinaries(t *testing.T, dir string) (kxrun, trainer string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	kxrun, trainer = filepath.Join(dir, "kxrun"), filepath.Join(dir, "demotrainer")
	for bin, pkg := range map[string]string{kxrun: "../cmd/kxrun", trainer: "../examples/demotrainer"} {
		if out, err := exec.Command(goBin, "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return kxrun, trainer
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KXRUN_") {
			env = append(env, kv)
		}
	}
	return env
}

func run(t *testing.T, dir, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s%s", bin, strings.Join(args, " "), err, out, stderr)
	}
	return out
}

const demoPlan = `name: %s
metric: auc
direction: maximize
model: logreg
command: %s
jobs: %d
seeds: %s
base_features: [age, fare, sex]
feature_groups:
  family: [sibsp, parch, family_size]
  title: [title, title_rare]
  noise: [noise_1, noise_2, noise_3]
params: {l2: 1.0}
`

// startUI starts `kxrun ui` and returns its URL once it listens.
func startUI(t *testing.T, dir, kxrun string, args ...string) string {
	t.Helper()
	cmd := exec.Command(kxrun, append([]string{"ui", "--dir", "exp", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`at (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urls:
		return strings.TrimSuffix(u, "/")
	case <-time.After(20 * time.Second):
		t.Fatal("kxrun ui printed no URL")
	}
	return ""
}

func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := "/tmp/ui-" + name + ".png"
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// tableJS reads a table's body as text cells.
const tableJS = `[...document.querySelectorAll(%q)].map(tr => [...tr.cells].map(td => td.innerText.trim()))`

func table(t *testing.T, ctx context.Context, sel string) [][]string {
	t.Helper()
	return eval[[][]string](t, ctx, fmt.Sprintf(tableJS, sel+" tbody tr"))
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).innerText`, sel))
}

func TestBrowser(t *testing.T) {
	exe := chromium(t)
	dir := t.TempDir()
	kxrun, trainer := buildBinaries(t, dir)
	os.WriteFile(filepath.Join(dir, "demo.yaml"), fmt.Appendf(nil, demoPlan, "demo", `["`+trainer+`", "--folds", "5"]`, 2, "[42, 123]"), 0o644)
	out := run(t, dir, kxrun, "ablation", "demo.yaml", "--dir", "exp", "--json")
	var abl struct {
		Groups []struct {
			Group       string   `json:"group"`
			LeaveOneOut *float64 `json:"leave_one_out_gain"`
			Verdict     string   `json:"leave_one_out_verdict"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(out, &abl); err != nil {
		t.Fatalf("ablation --json: %v\n%s", err, out)
	}
	for i, lb := range []string{"0.80", "0.79", "0.70", "0.785"} {
		run(t, dir, kxrun, "lb", fmt.Sprint(i+1), lb, "--dir", "exp")
	}
	tr, err := tracker.Open(filepath.Join(dir, "exp"))
	if err != nil {
		t.Fatal(err)
	}
	// Submissions of the four runs with an LB score, and their private
	// scores from a saved leaderboard listing, as kxrun lb --sync reads it.
	first, err := tr.Details("run_001")
	if err != nil || first.Artifacts["test"] == nil {
		t.Fatalf("run_001 has no test predictions: %v", err)
	}
	sample := "PassengerId,Survived\n"
	for i := range first.Artifacts["test"].Shape[0] {
		sample += fmt.Sprintf("%d,0\n", 892+i)
	}
	os.WriteFile(filepath.Join(dir, "sample.csv"), []byte(sample), 0o644)
	listing := "ref,fileName,date,description,status,publicScore,privateScore\n"
	for i, sc := range [][2]string{{"0.80", "0.78"}, {"0.79", "0.80"}, {"0.70", "0.72"}, {"0.785", "0.79"}} {
		id := fmt.Sprintf("run_%03d", i+1)
		run(t, dir, kxrun, "submission", id, "--sample", "sample.csv", "--dir", "exp")
		listing += fmt.Sprintf("%d,%s.csv,2026-11-30 0%d:00:00,mine,SubmissionStatus.COMPLETE,%s,%s\n", 5000+i, id, i, sc[0], sc[1])
	}
	os.WriteFile(filepath.Join(dir, "listing.csv"), []byte(listing), 0o644)
	run(t, dir, kxrun, "lb", "--sync", "--from", "listing.csv", "--dir", "exp")
	rows, _, err := tr.Runs()
	if err != nil {
		t.Fatal(err)
	}
	base := startUI(t, dir, kxrun, "--allow-edit")
	ctx := browser(t, exe)

	t.Run("runs", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/"))
		got := table(t, ctx, "table.runs")
		if len(got) != len(rows) {
			t.Fatalf("%d rows shown, the tracker has %d", len(got), len(rows))
		}
		for i, cells := range got {
			r := rows[len(rows)-1-i] // newest first
			want := []string{r.RunID, r.Name, r.Plan, r.Variant, seedText(r.Seed), fixed(r.CVScore, false), fixed(r.CVStd, false), fixed(r.LBScore, false)}
			if fmt.Sprint(cells[1:9]) != fmt.Sprint(want) {
				t.Errorf("row %d: %q, want %q", i, cells[1:9], want)
			}
		}
		screenshot(t, ctx, "runs")
	})

	t.Run("group", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/?group=config"))
		got := table(t, ctx, "table.runs")
		byConfig := map[string][]float64{}
		for _, r := range rows {
			c := strings.TrimSuffix(r.Name, "_s"+seedText(r.Seed))
			byConfig[c] = append(byConfig[c], *r.CVScore)
		}
		if len(got) != len(byConfig) {
			t.Fatalf("%d groups, want %d", len(got), len(byConfig))
		}
		for _, cells := range got {
			cv := byConfig[cells[0]]
			mean, sd := stats.Mean(cv), stats.Std(cv, 1)
			want := []string{strconv.Itoa(len(cv)), fixed(&mean, false), fixed(&sd, false)}
			if fmt.Sprint([]string{cells[1], cells[4], cells[5]}) != fmt.Sprint(want) {
				t.Errorf("group %s: runs, CV mean, std = %q %q %q, want %q", cells[0], cells[1], cells[4], cells[5], want)
			}
		}
		screenshot(t, ctx, "group")
	})

	t.Run("run", func(t *testing.T) {
		r := rows[2]
		do(t, ctx, chromedp.Navigate(base+"/run/"+r.RunID))
		show := text(t, ctx, "pre.show")
		if !strings.Contains(show, r.RunID+"  "+r.Name) || !strings.Contains(show, "folds") {
			t.Errorf("kxrun show block: %q", show)
		}
		if w := eval[int](t, ctx, `document.querySelector("img.fig").naturalWidth`); w == 0 {
			t.Error("the fold chart did not load")
		}
		links := eval[[]string](t, ctx, `[...document.querySelectorAll("table.artifacts a")].map(a => a.getAttribute("href"))`)
		if fmt.Sprint(links) != fmt.Sprint([]string{"/run/" + r.RunID + "/artifact/oof", "/run/" + r.RunID + "/artifact/test"}) {
			t.Errorf("artifact links %q", links)
		}
		if log := text(t, ctx, "pre.log"); log == "" {
			t.Error("no log tail")
		}
		rec, _ := tr.Details(r.RunID)
		subs := table(t, ctx, "table.submissions")
		sub := rec.Submissions[0]
		if want := []string{sub.Path, strconv.Itoa(sub.Rows), sub.SHA256, sub.Competition, sub.Status, fixed(sub.PublicScore, false), fixed(sub.PrivateScore, false)}; len(subs) != 2 || fmt.Sprint(subs[1]) != fmt.Sprint(want) {
			t.Errorf("submissions %q, want %q", subs, want)
		}
		if href := eval[string](t, ctx, `document.querySelector("table.submissions a").getAttribute("href")`); href != "/run/"+r.RunID+"/submission/1" {
			t.Errorf("submission link %q", href)
		}
		screenshot(t, ctx, "run")
		// A note holding a script, typed into the page's form, shows as
		// text and reaches runs.csv.
		const note = `<script>window.pwned=1</script><b>bold</b>`
		do(t, ctx, chromedp.SetValue("textarea[name=notes]", note), chromedp.Submit("textarea[name=notes]"),
			chromedp.WaitVisible("pre.show"))
		if got := text(t, ctx, "td.pre"); got != note {
			t.Errorf("note shown as %q, want %q", got, note)
		}
		if eval[bool](t, ctx, `window.pwned === 1 || document.querySelector("main b") !== null`) {
			t.Error("the note's markup ran or rendered")
		}
		rows2, _, _ := tr.Runs()
		if rows2[2].Notes != note {
			t.Errorf("runs.csv note %q", rows2[2].Notes)
		}
		screenshot(t, ctx, "run-note")
	})

	t.Run("compare", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/"),
			chromedp.Click(`input[value="run_001"]`), chromedp.Click(`input[value="run_003"]`),
			chromedp.Click(`form.runs-form button`), chromedp.WaitVisible("table.oof"))
		// The runs come in the table's order, newest first.
		recA, _ := tr.Details("run_003")
		recB, _ := tr.Details("run_001")
		c, err := report.Compare(rows[2], rows[0], recA, recB, tr)
		if err != nil {
			t.Fatal(err)
		}
		oof := table(t, ctx, "table.oof")
		if want := fmt.Sprintf("%.4f", *c.OOFCorrelation); oof[0][2] != want {
			t.Errorf("OOF correlation %q, want %q", oof[0][2], want)
		}
		folds := table(t, ctx, "table.folds")
		if len(folds) != 2*len(c.Folds) {
			t.Fatalf("fold table %q", folds)
		}
		for i, f := range c.Folds {
			if got, want := folds[2*i+1][2], fixed(&f.Delta, true); got != want {
				t.Errorf("fold %d delta %q, want %q", i+1, got, want)
			}
		}
		body := text(t, ctx, "main")
		if !strings.Contains(body, "features removed ("+strconv.Itoa(len(c.FeaturesRemoved))+")") {
			t.Errorf("features removed missing: %s", body)
		}
		screenshot(t, ctx, "compare")
	})

	t.Run("sweep", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/sweeps"))
		screenshot(t, ctx, "sweeps")
		do(t, ctx, chromedp.Click(`a[href="/sweep/demo"]`), chromedp.WaitVisible("table.groups"))
		got := table(t, ctx, "table.groups")
		if len(got) != len(abl.Groups) {
			t.Fatalf("groups %q", got)
		}
		for i, g := range abl.Groups {
			want := []string{g.Group, fixed(g.LeaveOneOut, true), g.Verdict}
			if fmt.Sprint(got[i][:3]) != fmt.Sprint(want) {
				t.Errorf("group line %q, want %q (kxrun ablation --json)", got[i][:3], want)
			}
		}
		if w := eval[int](t, ctx, `document.querySelector("img.fig").naturalWidth`); w == 0 {
			t.Error("the gains figure did not load")
		}
		screenshot(t, ctx, "sweep")
	})

	t.Run("leaderboard", func(t *testing.T) {
		rows, _, _ := tr.Runs()
		sum, err := report.SummarizeRuns(rows, "", report.RunsOptions{NoList: true})
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+"/leaderboard"))
		body := text(t, ctx, "main")
		if want := fmt.Sprintf("Pearson r\t%.4f", *sum.Correlation.Pearson); !strings.Contains(body, want) {
			t.Errorf("no %q in %s", want, body)
		}
		if lb := table(t, ctx, "table.lb"); len(lb) != 4 || lb[0][0] != "run_001" || lb[0][5] != fixed(rows[0].PrivateLB, false) {
			t.Errorf("LB table %q", lb)
		}
		su := sum.ShakeUp
		if su == nil || su.CVPrivate.Pearson == nil || su.PublicPrivate.Spearman == nil {
			t.Fatalf("kxrun report's shake-up: %+v", su)
		}
		shake := table(t, ctx, "table.shakeup")
		want := [][]string{
			{"CV – private", "4", fmt.Sprintf("%.4f", *su.CVPrivate.Pearson), fmt.Sprintf("%.4f", *su.CVPrivate.Spearman)},
			{"public – private", "4", fmt.Sprintf("%.4f", *su.PublicPrivate.Pearson), fmt.Sprintf("%.4f", *su.PublicPrivate.Spearman)},
		}
		if len(shake) != 3 || fmt.Sprint(shake[1:]) != fmt.Sprint(want) {
			t.Errorf("shake-up table %q, want %q", shake, want)
		}
		if lines := report.ShakeUpLines(su); len(lines) < 2 || !strings.Contains(body, lines[1]) {
			t.Errorf("no verdict %q in %s", lines, body)
		}
		screenshot(t, ctx, "leaderboard")
	})

	t.Run("live", func(t *testing.T) {
		// A slower sweep of another plan: its runs appear in the open runs
		// page, and its progress in the live page, without a reload.
		slow := fmt.Sprintf(`"sleep 1; exec %s --folds 5"`, trainer)
		os.WriteFile(filepath.Join(dir, "live.yaml"), fmt.Appendf(nil, demoPlan, "live", slow, 1, "[7, 8]"), 0o644)
		do(t, ctx, chromedp.Navigate(base+"/"))
		eval[int](t, ctx, `window.notReloaded = 1`)
		sweep := exec.Command(kxrun, "ablation", "live.yaml", "--dir", "exp")
		sweep.Dir, sweep.Env = dir, cleanEnv()
		if err := sweep.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			sweep.Process.Signal(os.Interrupt) // enough seen: stop it
			sweep.Wait()
		}()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#live-table').innerText.includes("live_all_s7")`,
			chromedp.WithPollingTimeout(60*time.Second))); err != nil {
			t.Fatalf("the sweep's first run never appeared in the runs table: %v", err)
		}
		if !eval[bool](t, ctx, `window.notReloaded === 1`) {
			t.Error("the page was reloaded")
		}
		screenshot(t, ctx, "runs-live")
		do(t, ctx, chromedp.Navigate(base+"/live"))
		eval[int](t, ctx, `window.notReloaded = 1`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#live').innerText.includes("ablation of live")`,
			chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("the running sweep is not on the live page: %v", err)
		}
		screenshot(t, ctx, "live")
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#live').innerText.includes("live_base_s8")`,
			chromedp.WithPollingTimeout(60*time.Second))); err != nil {
			t.Fatalf("a later run of the sweep never appeared on the live page: %v", err)
		}
		if !eval[bool](t, ctx, `window.notReloaded === 1`) {
			t.Error("the live page was reloaded")
		}
	})
}

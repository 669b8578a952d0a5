package interop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// readmeBlocks returns the fenced code blocks of the README section
// "Using kxrun with your Python training script", by language, in order.
func readmeBlocks(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const title = "\n## Using kxrun with your Python training script\n"
	text := string(data)
	start := strings.Index(text, title)
	if start < 0 {
		t.Fatalf("README.md has no section %q", strings.TrimSpace(title))
	}
	section := text[start+len(title):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	blocks := map[string][]string{}
	for _, m := range regexp.MustCompile("(?s)\n```(\\w+)\n(.*?)\n```\n").FindAllStringSubmatch(section, -1) {
		blocks[m[1]] = append(blocks[m[1]], m[2]+"\n")
	}
	if len(blocks["python"]) != 2 || len(blocks["yaml"]) != 1 {
		t.Fatalf("want 2 python blocks (trainer, notebook) and 1 yaml block (plan), got %d and %d", len(blocks["python"]), len(blocks["yaml"]))
	}
	return blocks
}

// TestReadmePythonSection runs the README's Python section as a user would:
// its trainer under its plan, then its notebook code on the tracker.
func TestReadmePythonSection(t *testing.T) {
	debpython.Require(t, "numpy", "pandas", "sklearn")
	t.Parallel()
	blocks := readmeBlocks(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "train.py"), blocks["python"][0])
	// One seed keeps the test short; the plan is otherwise as printed.
	plan := regexp.MustCompile(`(?m)^seeds: .*$`).ReplaceAllString(blocks["yaml"][0], "seeds: [42]")
	if plan == blocks["yaml"][0] {
		t.Fatal("the README plan has no seeds line")
	}
	writeFile(t, filepath.Join(dir, "plan.yaml"), plan)
	mustKxrun(t, 0, dir, "ablation", "plan.yaml")

	notebook := blocks["python"][1] + `
print(json.dumps({
    "run_id": best.run_id,
    "cv_score": float(best.cv_score),
    "scores": runs["cv_score"].tolist(),
    "means": [float(np.mean(f)) for f in runs["cv_folds"]],
    "stds": [float(np.std(f)) for f in runs["cv_folds"]],
    "std_col": runs["cv_std"].tolist(),
    "arrays": {k: [a.dtype.name, list(a.shape)] for k, a in (("oof", oof), ("test", test))},
}))
`
	writeFile(t, filepath.Join(dir, "notebook.py"), notebook)
	res := run(t, dir, cleanEnv(), debpython.Path, "notebook.py")
	if res.code != 0 {
		t.Fatalf("the README's notebook code fails: exit %d\n%s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	var got struct {
		RunID   string           `json:"run_id"`
		CVScore float64          `json:"cv_score"`
		Scores  []float64        `json:"scores"`
		Means   []float64        `json:"means"`
		Stds    []float64        `json:"stds"`
		StdCol  []float64        `json:"std_col"`
		Arrays  map[string][]any `json:"arrays"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	t.Logf("notebook output:\n%s", res.stdout)
	// The README promises cv_score == np.mean(cv_folds), cv_std == np.std.
	if diff := cmp.Diff(got.Means, got.Scores, exact); diff != "" {
		t.Errorf("cv_score vs np.mean(cv_folds) (-numpy +runs.csv):\n%s", diff)
	}
	if diff := cmp.Diff(got.Stds, got.StdCol, exact); diff != "" {
		t.Errorf("cv_std vs np.std(cv_folds) (-numpy +runs.csv):\n%s", diff)
	}
	d := readDetails(t, filepath.Join(dir, "experiments"), got.RunID)
	if diff := cmp.Diff(*d.CVScore, got.CVScore, exact); diff != "" {
		t.Errorf("best run's cv_score (-details +notebook):\n%s", diff)
	}
	want := map[string][]any{}
	for kind, a := range d.Artifacts {
		shape := []any{}
		for _, n := range a.Shape {
			shape = append(shape, float64(n))
		}
		want[kind] = []any{a.Dtype, shape}
	}
	if diff := cmp.Diff(want, got.Arrays); diff != "" {
		t.Errorf("arrays the notebook loaded (-details +numpy):\n%s", diff)
	}

	// Run by hand, the same script still works and writes its arrays where
	// it is started.
	alone := t.TempDir()
	res = run(t, alone, cleanEnv(), debpython.Path, filepath.Join(dir, "train.py"))
	if res.code != 0 {
		t.Fatalf("the README's trainer run by hand: exit %d\n%s", res.code, res.stderr)
	}
	for _, name := range []string{"oof.npy", "test.npy"} {
		if _, err := os.Stat(filepath.Join(alone, name)); err != nil {
			t.Errorf("run by hand: %v", err)
		}
	}
}

package reliability

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFull puts the tracker on a 2 MiB tmpfs, fills it with a filler
// file, and logs runs (with arrays) and sweeps until the disk is full:
// kxrun must stop with exit status 3 and a clear error, leave every run
// logged before intact, and work again once the filler is deleted. Each
// trial uses a new tmpfs and random sizes, so that the disk fills at a
// different step of a commit each time.
//
// Mounting a tmpfs needs root with CAP_SYS_ADMIN: without it the scenario
// is skipped, and the skip (in the test output and the scenario summary)
// says so and how to run it.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 3, "3. full disk (2 MiB tmpfs)")
	const how = "run the suite as root (sudo make reliability) or in a container with CAP_SYS_ADMIN (docker run --cap-add SYS_ADMIN)"
	if os.Geteuid() != 0 {
		s.skip("full-disk scenario skipped: it mounts a 2 MiB tmpfs, which needs root, and this runs as uid %d; %s", os.Geteuid(), how)
	}
	root := t.TempDir()
	probe := filepath.Join(root, "probe")
	os.Mkdir(probe, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", probe).CombinedOutput(); err != nil {
		s.skip("full-disk scenario skipped: mount -t tmpfs failed (%v: %s), so no small disk can be filled; %s", err, strings.TrimSpace(string(out)), how)
	}
	exec.Command("umount", probe).Run()

	trials := pick(3, 30)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	where := map[string]int{} // the step that hit the full disk
	for i := range trials {
		s.trial(diskFullTrial(t, s, root, i, r, where))
	}
	var steps []string
	for k, n := range where {
		steps = append(steps, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(steps)
	s.note("a new tmpfs per trial, a random filler and random array sizes; `kxrun log` and `kxrun ablation` until the disk is full, then the filler deleted; the full disk hit: %s", strings.Join(steps, ", "))
}

func diskFullTrial(t *testing.T, s *scenario, root string, i int, r *rand.Rand, where map[string]int) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	mnt := filepath.Join(root, fmt.Sprintf("disk%d", i))
	os.Mkdir(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		return []string{fmt.Sprintf("mount: %v %s", err, out)}
	}
	defer exec.Command("umount", "-l", mnt).Run()
	exp := filepath.Join(mnt, "exp")
	work := filepath.Join(root, fmt.Sprintf("work%d", i))
	os.Mkdir(work, 0o755)
	npy := filepath.Join(work, "oof.npy")
	writeNpy(npy, 1000+r.IntN(12000), 0.25) // 8 to 104 KiB
	pids := filepath.Join(work, "pids")
	os.Mkdir(pids, 0o755)
	plan := filepath.Join(work, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf("name: full%d\ncommand: [%s, npy]\njobs: 2\nseeds: [1, 2, 3]\nbase_features: [a]\nfeature_groups:\n  g: [b]\nenv: {PID_DIR: %s}\n", i, trainerBin, pids)), 0o644)

	// Some runs first, then a filler that leaves a random amount of room.
	if o := kxrun(t, work, nil, "log", "--dir", exp, "--name", "before", "--cv", "0.5,0.6", "--oof", npy); o.code != 0 {
		return []string{"log on an empty disk: " + o.String()}
	}
	filler := filepath.Join(mnt, "filler")
	free := freeBytes(mnt)
	room := int64(r.IntN(int(free / 3)))
	if err := os.WriteFile(filler, make([]byte, max(0, free-room)), 0o644); err != nil {
		bad("filler: %v", err)
	}
	logged, _ := checkTracker(exp)

	// Log until the disk is full.
	full := false
	for n := 0; n < 200 && !full; n++ {
		o := kxrun(t, work, nil, "log", "--dir", exp, "--name", fmt.Sprintf("fill_%d", n), "--cv", "0.7,0.71", "--oof", npy, "--notes", strings.Repeat("n", r.IntN(3000)))
		s.peak(o.peakKB)
		switch {
		case o.code == 0:
			st, ps := checkTracker(exp)
			problems = append(problems, ps...)
			logged = st
		case o.code == 3 && strings.Contains(o.stderr, "no space left on device"):
			full = true
			where["log: "+failedStep(o.stderr)]++
		default:
			bad("log on a full disk: want exit 3 and \"no space left on device\", got %s", o)
			full = true
		}
	}
	if !full {
		bad("the disk never filled")
	}
	problems = append(problems, intact(logged, exp)...)

	// A sweep on the full disk: it stops with a clear error (3) or logs
	// its runs as failed (1), and damages nothing.
	o := kxrun(t, work, nil, "ablation", plan, "--dir", exp)
	s.peak(o.peakKB)
	switch {
	case o.code == 3 && strings.Contains(o.stderr, "no space left on device") && strings.Contains(o.stderr, "Try: check free space"):
		where["sweep: "+failedStep(o.stderr)]++
	case o.code == 1:
		where["sweep: runs failed and were logged"]++
	default:
		bad("sweep on a full disk: want exit 3 with \"no space left on device\" and a hint, got %s", o)
	}
	problems = append(problems, survivors(t, pids)...)
	after, ps := checkTracker(exp)
	problems = append(problems, ps...)
	problems = append(problems, intact(logged, exp)...)
	problems = append(problems, pandasProblems(s, after)...)

	// Room again: everything works.
	os.Remove(filler)
	if o := kxrun(t, work, nil, "log", "--dir", exp, "--name", "after", "--cv", "0.5,0.6", "--oof", npy); o.code != 0 {
		bad("log after freeing space: %s", o)
	}
	if o := kxrun(t, work, nil, "ablation", plan, "--dir", exp); o.code != 0 {
		bad("sweep after freeing space: %s", o)
	}
	st, ps := checkTracker(exp)
	problems = append(problems, ps...)
	problems = append(problems, intact(logged, exp)...)
	okRuns := map[string]int{}
	for _, row := range st.rows {
		if row["plan"] == fmt.Sprintf("full%d", i) && row["status"] == "ok" {
			okRuns[row["name"]]++
		}
	}
	if len(okRuns) != 6 {
		bad("after freeing space the sweep has %d ok runs, want 6", len(okRuns))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(exp, ".work", "*-*")); len(leftovers) > 0 {
		bad("stages left behind: %v", leftovers)
	}
	return problems
}

// intact checks that every run of before is still there as it was.
func intact(before *state, dir string) []string {
	var out []string
	now, _ := checkTracker(dir)
	for _, row := range before.rows {
		id := row["run_id"]
		got, ok := now.byID[id]
		if !ok || strings.Join(rowValues(got), ",") != strings.Join(rowValues(row), ",") {
			out = append(out, fmt.Sprintf("run %s changed or vanished on the full disk", id))
			continue
		}
		if d := now.details[id]; d == nil {
			out = append(out, fmt.Sprintf("run %s lost its details", id))
		}
	}
	return out
}

// failedStep names the step of a commit that hit the full disk, from the
// error message.
func failedStep(stderr string) string {
	for _, step := range []string{"write details", "keep log", "keep oof", "keep test", "write config", "append to", "sync", "create run stage", "create run log", "create run directory", "write report", "create tracker"} {
		if strings.Contains(stderr, step) {
			return step
		}
	}
	line, _, _ := strings.Cut(stderr, "\n")
	return line
}

func freeBytes(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

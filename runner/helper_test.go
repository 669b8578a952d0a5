package runner

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kxrun/kxrun/internal/npytest"
)

// The test binary doubles as the trainer: with KXRUN_TEST_TRAINER set it
// behaves as the named kind of trainer instead of running tests, so every
// runner test drives a real process.
func TestMain(m *testing.M) {
	if mode := os.Getenv("KXRUN_TEST_TRAINER"); mode != "" {
		os.Exit(fakeTrainer(mode))
	}
	os.Exit(m.Run())
}

// startTrainer starts the test binary as a trainer of kind mode, in a
// session of its own with setsid.
func startTrainer(mode string, setsid bool) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "KXRUN_TEST_TRAINER="+mode)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: setsid}
	return cmd, cmd.Start()
}

func fakeTrainer(mode string) int {
	runDir := os.Getenv("KXRUN_RUN_DIR")
	switch mode {
	case "ok":
		fmt.Fprintln(os.Stderr, "training...")
		fmt.Println("epoch 1 done")
		fmt.Printf(`{"cv_scores": [0.8, 0.82, 0.81], "params": {"lr": 0.1}, "metrics": {"rows": 100}, "notes": "seed %s"}`+"\n", os.Getenv("KXRUN_SEED"))
		fmt.Println("bye")
		return 0
	case "result-file":
		fmt.Println(`{"cv_scores": [0.1]}`) // ignored: result.json wins
		os.WriteFile(filepath.Join(runDir, "result.json"), []byte(`{"cv_scores": [0.7, 0.75]}`), 0o644)
		return 0
	case "env":
		fmt.Printf(`{"cv_scores": [1], "notes": %q}`+"\n", strings.Join([]string{
			os.Getenv("KXRUN_SEED"), os.Getenv("KXRUN_FEATURES"), os.Getenv("KXRUN_VARIANT"),
			os.Getenv("KXRUN_RUN_DIR"), os.Getenv("KXRUN_SPEC"), os.Getenv("PLAN_VAR"),
			strings.Join(os.Args[1:], " "),
		}, "|"))
		return 0
	case "crash":
		fmt.Fprintln(os.Stderr, "Traceback: ValueError: bad feature")
		return 3
	case "nan":
		fmt.Println(`{"cv_scores": [0.8, NaN, 0.7]}`)
		return 0
	case "no-result":
		fmt.Println("done, no json")
		return 0
	case "hang":
		time.Sleep(time.Hour)
		return 0
	case "ignore-term":
		signal.Ignore(syscall.SIGTERM)
		os.WriteFile(filepath.Join(runDir, "ready"), nil, 0o644)
		time.Sleep(time.Hour)
		return 0
	case "grandchild", "setsid-grandchild":
		// Leaves a sleeping grandchild behind, with its output closed, and
		// exits successfully: in the trainer's process group, or with
		// setsid- in a session of its own (out of the group).
		cmd, err := startTrainer("hang", mode == "setsid-grandchild")
		if err != nil {
			return 9
		}
		os.WriteFile(filepath.Join(runDir, "grandchild.pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
		fmt.Println(`{"cv_scores": [0.5]}`)
		return 0
	case "setsid-chain":
		// Leaves a process in a session of its own which itself keeps a
		// child: both are out of the group, the child under a live parent
		// that is not kxrun.
		if _, err := startTrainer("setsid-middle", true); err != nil {
			return 9
		}
		for !fileExists(filepath.Join(runDir, "chain.pids")) {
			time.Sleep(5 * time.Millisecond)
		}
		fmt.Println(`{"cv_scores": [0.5]}`)
		return 0
	case "setsid-middle":
		cmd, err := startTrainer("hang", false)
		if err != nil {
			return 9
		}
		pids := fmt.Sprintf("%d %d", os.Getpid(), cmd.Process.Pid)
		os.WriteFile(filepath.Join(runDir, "chain.tmp"), []byte(pids), 0o644)
		os.Rename(filepath.Join(runDir, "chain.tmp"), filepath.Join(runDir, "chain.pids"))
		time.Sleep(time.Hour)
		return 0
	case "sleep-ok":
		time.Sleep(time.Second)
		fmt.Println(`{"cv_scores": [0.5]}`)
		return 0
	case "flood":
		line := strings.Repeat("x", 1023) + "\n"
		buf := []byte(strings.Repeat(line, 1024)) // 1 MiB
		for range 200 {
			os.Stdout.Write(buf)
		}
		fmt.Println(`{"cv_scores": [0.9]}`)
		return 0
	case "npy":
		writeNpy(filepath.Join(runDir, "oof.npy"), 5)
		writeNpy(filepath.Join(runDir, "preds.npy"), 3)
		fmt.Println(`{"cv_scores": [0.9], "test": "` + filepath.Join(runDir, "preds.npy") + `"}`)
		return 0
	case "bad-npy":
		os.WriteFile(filepath.Join(runDir, "oof.npy"), []byte("not an array"), 0o644)
		fmt.Println(`{"cv_scores": [0.9]}`)
		return 0
	case "relative-npy":
		// Saved in the run dir but named relative to it; a stale file of
		// the same name in the workdir must not be taken instead.
		writeNpy(filepath.Join(runDir, "oof.npy"), 4)
		writeNpy(filepath.Join(os.Getenv("STALE_DIR"), "oof.npy"), 9)
		fmt.Println(`{"cv_scores": [0.9], "oof": "oof.npy"}`)
		return 0
	case "missing-npy":
		fmt.Println(`{"cv_scores": [0.9], "oof": "nowhere/oof.npy"}`)
		return 0
	case "gpu":
		// Reports the GPU it was given and when it held it.
		start := time.Now()
		time.Sleep(150 * time.Millisecond)
		fmt.Printf(`{"cv_scores": [1], "notes": "%s %s %s"}`+"\n", os.Getenv("CUDA_VISIBLE_DEVICES"),
			start.Format(time.RFC3339Nano), time.Now().Format(time.RFC3339Nano))
		return 0
	case "flaky":
		// Fails on the first attempt, succeeds on the second.
		marker := filepath.Join(os.Getenv("FLAKY_DIR"), "tried")
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			return 1
		}
		fmt.Println(`{"cv_scores": [0.6]}`)
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown mode", mode)
	return 99
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeNpy writes the float64 vector 0..n-1.
func writeNpy(path string, n int) {
	values := make([]float64, n)
	for i := range values {
		values[i] = float64(i)
	}
	if err := npytest.WriteFloat64(path, values); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

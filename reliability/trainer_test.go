package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kxrun/kxrun/internal/npytest"
)

// trainer is the fake trainer the scenarios run: "hostiletrainer MODE
// [ARG]". Every process it makes records its pid in $PID_DIR (when set), so
// that a test can check that none outlives the sweep.
func trainer(args []string) int {
	mode := "ok"
	if len(args) > 0 {
		mode = args[0]
	}
	notePID()
	runDir := os.Getenv("KXRUN_RUN_DIR")
	seed, _ := strconv.Atoi(os.Getenv("KXRUN_SEED"))
	result := func(extra string) int {
		fmt.Printf(`{"cv_scores": [%v, %v, %v]%s}`+"\n", 0.7+float64(seed%10)/100, 0.71, 0.69, extra)
		return 0
	}
	switch mode {
	case "ok":
		return result("")

	case "npy":
		// Arrays whose length depends on the run, a little work, a result.
		n := 10 + seed*7 + len(os.Getenv("KXRUN_FEATURES"))
		writeNpy(filepath.Join(runDir, "oof.npy"), n, float64(seed))
		writeNpy(filepath.Join(runDir, "test.npy"), n/2, -float64(seed))
		if ms, _ := strconv.Atoi(os.Getenv("SLEEP_MS")); ms > 0 {
			time.Sleep(time.Duration(rand.IntN(ms)) * time.Millisecond)
		}
		return result(`, "notes": "npy"`)

	case "echo-args":
		// Reports its arguments, to show what a string command passed.
		notes, _ := json.Marshal(strings.Join(args[1:], "\x1f"))
		return result(`, "notes": ` + string(notes))

	case "secret-check":
		writeNpy(filepath.Join(runDir, "oof.npy"), 10, 1)
		if os.Getenv("KAGGLE_KEY") != "" {
			return result(`, "notes": "the trainer saw KAGGLE_KEY"`)
		}
		return result(`, "notes": "no KAGGLE_KEY"`)

	case "leak-secret":
		fmt.Println("using key", os.Getenv("KAGGLE_KEY"))
		fmt.Fprintln(os.Stderr, "debug: KAGGLE_KEY =", os.Getenv("KAGGLE_KEY"))
		return result("")

	case "exit":
		fmt.Fprintln(os.Stderr, "Traceback (most recent call last):\nValueError: could not convert string to float: 'abc'")
		return 3

	case "signal":
		fmt.Println(`{"cv_scores": [0.5]}`) // a result does not save a killed run
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		sleepForever()

	case "hang":
		sleepForever()

	case "ignore-term":
		signal.Ignore(syscall.SIGTERM)
		sleepForever()

	case "grandchild":
		// A grandchild in the trainer's process group that outlives it.
		spawn(false, true, "sleeper")
		return result("")

	case "grandchild-ignore-term":
		spawn(false, true, "sleeper-ignore-term")
		return result("")

	case "setsid-grandchild":
		// A grandchild in a session of its own, out of the trainer's group,
		// holding stdout open and rewriting the run's oof.npy: it can only be
		// found by what it inherited.
		writeNpy(filepath.Join(runDir, "oof.npy"), 5, 1)
		spawn(true, true, "scribbler")
		return result("")

	case "setsid-daemon":
		// The same, with its output closed: nothing holds kxrun's pipes.
		spawn(true, false, "sleeper")
		return result("")

	case "sleeper":
		sleepForever()

	case "sleeper-ignore-term":
		signal.Ignore(syscall.SIGTERM)
		sleepForever()

	case "scribbler":
		path := filepath.Join(os.Getenv("KXRUN_RUN_DIR"), "oof.npy")
		for i := 0; ; i++ {
			writeNpy(path, 5+i%3, float64(i))
			time.Sleep(2 * time.Millisecond)
		}

	case "flood":
		// FLOOD_BYTES of output in 1 MiB of short lines, then a result.
		total, _ := strconv.ParseInt(os.Getenv("FLOOD_BYTES"), 10, 64)
		block := bytes.Repeat([]byte(strings.Repeat("x", 1023)+"\n"), 1024)
		for written := int64(0); written < total; written += int64(len(block)) {
			if _, err := os.Stdout.Write(block); err != nil {
				return 1
			}
		}
		return result("")

	case "flood-line":
		// FLOOD_BYTES on a single line (no newline), half to stderr.
		total, _ := strconv.ParseInt(os.Getenv("FLOOD_BYTES"), 10, 64)
		block := bytes.Repeat([]byte("{\"y\":"), 1<<18)
		for written := int64(0); written < total; written += 2 * int64(len(block)) {
			os.Stdout.Write(block)
			os.Stderr.Write(block)
		}
		fmt.Println()
		return result("")

	case "garbage":
		// Random bytes, NULs and invalid UTF-8 on both streams; no result.
		r := rand.New(rand.NewPCG(1, 2))
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = byte(r.UintN(256))
		}
		os.Stdout.Write(buf)
		os.Stderr.Write(buf)
		return 0

	case "control-exit":
		// Fails with NULs, escape sequences and a carriage return on its
		// last stderr line.
		fmt.Fprintln(os.Stderr, "Error:\x00 bad \x1b[31mred\x1b[0m\r overwritten \x07")
		return 1

	case "garbage-exit":
		// Fails with a last stderr line of multi-byte runes and NULs, long
		// enough to be cut in the reason.
		os.Stderr.Write(bytes.Repeat([]byte{0xff, 0x00, 'a'}, 100))
		fmt.Fprintln(os.Stderr)
		fmt.Fprintln(os.Stderr, "Error: "+strings.Repeat("é", 150)+"\x00\x01\x1b[31m")
		return 1

	case "json":
		fmt.Println(hostileJSON(args[1]))
		return 0

	case "npy-lie":
		// A header promising 3 GiB of float64 over a 2 GiB sparse file.
		path := filepath.Join(runDir, "oof.npy")
		npytest.WriteHeader(path, 3<<30/8)
		os.Truncate(path, 2<<30)
		return result("")

	case "npy-sparse":
		// An honest 2 GiB array of zeros, sparse on disk.
		path := filepath.Join(runDir, "oof.npy")
		hdr, _ := npytest.WriteHeader(path, (2<<30)/8)
		os.Truncate(path, hdr+2<<30)
		return result("")

	case "npy-outside":
		return result(`, "oof": "../../../../../../../../../../../../etc/passwd", "test": "/etc/passwd"`)

	case "npy-devzero":
		os.Symlink("/dev/zero", filepath.Join(runDir, "oof.npy"))
		return result("")

	case "npy-fifo":
		syscall.Mkfifo(filepath.Join(runDir, "test.npy"), 0o644)
		return result("")

	case "result-fifo": // read blocking, it would wait for a writer for good
		syscall.Mkfifo(filepath.Join(runDir, "result.json"), 0o644)
		return 0

	case "result-fifo-link":
		// The pipe beside the run directory, in the slot kxrun removes.
		fifo := filepath.Join(filepath.Dir(runDir), "elsewhere.fifo")
		syscall.Mkfifo(fifo, 0o644)
		os.Symlink(fifo, filepath.Join(runDir, "result.json"))
		return 0

	case "rm-rundir":
		writeNpy(filepath.Join(runDir, "oof.npy"), 3, 1)
		os.RemoveAll(runDir)
		return result("")

	case "rm-stage":
		// Deletes everything kxrun keeps for the run, its log included.
		os.RemoveAll(filepath.Dir(runDir))
		return result("")

	case "victim":
		// Waits (up to 10 s) until the intruder has been in its directory.
		// Says where its run directory is, atomically.
		ready := filepath.Join(os.Getenv("SYNC_DIR"), "victim-ready")
		os.WriteFile(ready+".tmp", []byte(runDir), 0o644)
		os.Rename(ready+".tmp", ready)
		waitFor(filepath.Join(os.Getenv("SYNC_DIR"), "intruded"), 10*time.Second)
		writeNpy(filepath.Join(runDir, "oof.npy"), 4, 2)
		return result("")

	case "intruder":
		// Writes into the directory of the victim run.
		sync := os.Getenv("SYNC_DIR")
		waitFor(filepath.Join(sync, "victim-ready"), 10*time.Second)
		victim, _ := os.ReadFile(filepath.Join(sync, "victim-ready"))
		os.WriteFile(filepath.Join(string(victim), "result.json"), []byte("{\"cv_scores\": [1.0, 1.0] garbage"), 0o644)
		os.WriteFile(filepath.Join(sync, "intruded"), victim, 0o644)
		return result("")
	}
	fmt.Fprintln(os.Stderr, "hostiletrainer: unknown mode", mode)
	return 99
}

// sleepForever blocks without leaving the Go runtime to report a deadlock
// (a bare select{} in a program with no other goroutine exits).
func sleepForever() {
	for {
		time.Sleep(time.Hour)
	}
}

// notePID records this process in $PID_DIR.
func notePID() {
	if dir := os.Getenv("PID_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), []byte(strings.Join(os.Args, " ")), 0o644)
	}
}

// spawn starts this binary in another mode; setsid puts it in a session
// (and process group) of its own; keepOutput lets it inherit stdout and
// stderr.
func spawn(setsid, keepOutput bool, mode string) {
	cmd := exec.Command(os.Args[0], mode)
	if keepOutput {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	}
	if setsid {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "spawn:", err)
		os.Exit(98)
	}
	// The child records its own pid, but only once it runs: make sure it
	// is known even if the sweep kills it first.
	notePIDOf(cmd.Process.Pid, mode)
}

func notePIDOf(pid int, what string) {
	if dir := os.Getenv("PID_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, strconv.Itoa(pid)), []byte(what), 0o644)
	}
}

func waitFor(path string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// hostileJSON is a result line a trainer prints.
func hostileJSON(kind string) string {
	switch kind {
	case "nan":
		return `{"cv_scores": [0.8, NaN, 0.7]}`
	case "infinity":
		return `{"cv_scores": [0.8, 0.7], "metrics": {"loss": -Infinity}}`
	case "strings":
		return `{"cv_scores": ["0.8", "0.7"]}`
	case "folds":
		folds := make([]string, 10000)
		for i := range folds {
			folds[i] = strconv.FormatFloat(0.5+float64(i%97)/1000, 'g', -1, 64)
		}
		return `{"cv_scores": [` + strings.Join(folds, ",") + `]}`
	case "deep":
		// Nesting past encoding/json's limit of 10,000 levels.
		return `{"cv_scores": [0.5], "params": ` + strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000) + "}"
	case "deep-params":
		// Within encoding/json's limit, but indented details grow with the
		// square of the depth.
		return `{"cv_scores": [0.5], "params": ` + strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000) + "}"
	case "duplicate":
		return `{"cv_scores": [0.5], "cv_scores": [0.9]}`
	case "huge-number":
		return `{"cv_scores": [1e400]}`
	case "notes":
		// Text a CSV and pandas must survive.
		return `{"cv_scores": [0.5], "notes": "a,b \"q\" \n next line \r\n ` + "\\u0000 \\ud800 é 中文" + `"}`
	}
	return "{"
}

// writeNpy writes the float64 vector base, base+1/8, ... of n values.
func writeNpy(path string, n int, base float64) {
	values := make([]float64, n)
	for i := range values {
		values[i] = base + float64(i)/8
	}
	if err := npytest.WriteFloat64(path, values); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

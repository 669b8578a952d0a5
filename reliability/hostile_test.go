package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// hostile is a trainer that misbehaves, and how its run must end.
type hostile struct {
	mode   string // hostiletrainer arguments
	status string
	reason string // a regexp the reason must match ("" for ok runs)
}

// TestHostileTrainers runs one sweep of trainers that misbehave in every
// way listed below (one seed each) and one of trainers that hang, and
// checks that each run ends as a failed (or correctly ok) row with a clear
// reason, that kxrun's memory stays bounded, and that no process survives.
func TestHostileTrainers(t *testing.T) {
	t.Parallel()
	s := newScenario(t, 4, "4. hostile trainers")
	flood := pick(int64(200<<20), int64(1<<30))
	quick := []hostile{
		{"exit", "failed", `^exit status 3: ValueError: could not convert string to float: 'abc'$`},
		{"signal", "failed", `^killed by signal killed$`},
		{"grandchild", "ok", ""},
		{"setsid-grandchild", "ok", ""},
		{"setsid-daemon", "ok", ""},
		{"flood", "ok", ""},
		{"flood-line", "ok", ""},
		{"garbage", "failed", `^no result: the command wrote no result.json and printed no JSON object on stdout$`},
		{"garbage-exit", "failed", `^exit status 1: Error: (é)+`},
		{"control-exit", "failed", `^exit status 1: Error:.*bad`},
		{"json nan", "failed", `^stdout: cv_scores\[1\] is NaN$`},
		{"json infinity", "failed", `^stdout: metrics.loss is -Infinity$`},
		{"json strings", "failed", `^stdout: cv_scores\[0\] is not a number \("0.8"\)$`},
		{"json folds", "ok", ""},
		{"json deep", "failed", `^stdout: malformed result JSON: not valid JSON`},
		{"json deep-params", "failed", `^stdout: params are nested more than 100 levels deep$`},
		{"json duplicate", "failed", `^stdout: malformed result JSON: duplicate key "cv_scores"`},
		{"json huge-number", "failed", `^stdout: cv_scores\[0\] is out of range \(1e400\)$`},
		{"json notes", "ok", ""},
		{"npy-lie", "failed", `^oof: \$KXRUN_RUN_DIR/oof.npy: truncated: header promises 3221225472 bytes of data, file has \d+$`},
		{"npy-outside", "failed", `^oof: \.\./\.\./.*etc/passwd does not exist in the run directory or the workdir$|^oof: .*not a \.npy file`},
		{"npy-devzero", "failed", `^oof: \$KXRUN_RUN_DIR/oof.npy: not a regular file \(character device\)$`},
		{"npy-fifo", "failed", `^test: \$KXRUN_RUN_DIR/test.npy: not a regular file \(named pipe\)$`},
		{"result-fifo", "failed", `^result.json: open .*result.json: is a named pipe \(fifo\), not a regular file`},
		{"result-fifo-link", "failed", `^result.json: open .*result.json: is a named pipe \(fifo\), not a regular file`},
		{"rm-rundir", "ok", ""},
		{"rm-stage", "ok", ""},
		{"victim", "failed", `^result.json: malformed result JSON`},
		{"intruder", "ok", ""}, // into the victim's directory: see below
	}
	if long {
		// Hashing 2 GiB (of zeros) costs CPU time the short form, part of
		// `go test ./...`, does not spend.
		quick = append(quick, hostile{"npy-sparse", "ok", ""})
	}
	for i, c := range quick {
		if c.mode == "victim" {
			for j := range quick {
				if quick[j].mode == "intruder" {
					quick[j].mode = fmt.Sprintf("intruder %d", i+1)
				}
			}
		}
	}
	slow := []hostile{
		{"hang", "failed", `^timed out after 2s$`},
		{"ignore-term", "failed", `^timed out after 2s$`},
		{"grandchild-ignore-term", "ok", ""},
	}
	root := t.TempDir()
	exp := filepath.Join(root, "exp")
	pids := filepath.Join(root, "pids")
	syncDir := filepath.Join(root, "sync")
	os.Mkdir(pids, 0o755)
	os.Mkdir(syncDir, 0o755)

	// The seed picks the behaviour: a string command maps it to arguments.
	sweep := func(name string, cases []hostile, timeout string) (outcome, []hostile) {
		var script strings.Builder
		seeds := make([]string, len(cases))
		script.WriteString("case $KXRUN_SEED in\n")
		for i, c := range cases {
			seeds[i] = fmt.Sprint(i + 1)
			fmt.Fprintf(&script, "  %d) exec %s %s ;;\n", i+1, trainerBin, c.mode)
		}
		script.WriteString("esac\n")
		wrapper := filepath.Join(root, name+".sh")
		os.WriteFile(wrapper, []byte(script.String()), 0o755)
		plan := fmt.Sprintf("name: %s\ncommand: [/bin/sh, %s]\njobs: %d\ntimeout: %s\nseeds: [%s]\nbase_features: [a]\nenv: {PID_DIR: %s, SYNC_DIR: %s, FLOOD_BYTES: \"%d\"}\n",
			name, wrapper, len(cases), timeout, strings.Join(seeds, ", "), pids, syncDir, flood)
		path := filepath.Join(root, name+".yaml")
		os.WriteFile(path, []byte(plan), 0o644)
		return kxrun(t, root, nil, "run", path, "--dir", exp), cases
	}
	var mu sync.Mutex
	outcomes := map[string]outcome{}
	var wg sync.WaitGroup
	for _, x := range []struct {
		name    string
		cases   []hostile
		timeout string
	}{{"hostile", quick, "5m"}, {"hanging", slow, "2s"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, _ := sweep(x.name, x.cases, x.timeout)
			mu.Lock()
			outcomes[x.name] = o
			mu.Unlock()
		}()
	}
	wg.Wait()
	for name, o := range outcomes {
		s.peak(o.peakKB)
		if o.code != 1 {
			t.Errorf("sweep %s: want exit status 1 (some runs failed), got %s", name, o)
		}
		if strings.Contains(o.stderr, "panic") {
			t.Errorf("sweep %s panicked: %s", name, o.stderr)
		}
	}
	stray := survivors(t, pids)

	st, ps := checkTracker(exp)
	for _, p := range ps {
		t.Errorf("tracker: %s", p)
	}
	ps = append(ps, pandasProblems(s, st)...)
	byName := map[string]csvRow{}
	for _, row := range st.rows {
		byName[row["name"]] = row
	}
	check := func(plan string, cases []hostile) {
		for i, c := range cases {
			var problems []string
			name := fmt.Sprintf("%s_all_s%d", plan, i+1)
			row, ok := byName[name]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s (%s): no row", c.mode, name))
			case row["status"] != c.status:
				problems = append(problems, fmt.Sprintf("%s: status %s (%s), want %s", c.mode, row["status"], row["reason"], c.status))
			case c.reason != "" && !regexp.MustCompile(c.reason).MatchString(row["reason"]):
				problems = append(problems, fmt.Sprintf("%s: reason %q does not match %q", c.mode, row["reason"], c.reason))
			case !utf8.ValidString(row["reason"]) || strings.ContainsAny(row["reason"], "\x00\n\r"):
				problems = append(problems, fmt.Sprintf("%s: the reason is not one clean line of text: %q", c.mode, row["reason"]))
			}
			if c.mode == "rm-stage" {
				// Its log waits outside the slot it deleted.
				if d := st.details[row["run_id"]]; d == nil || d.Log == "" {
					problems = append(problems, "rm-stage: the run was logged without its log")
				}
			}
			if c.mode == "flood" || c.mode == "flood-line" {
				if d := st.details[row["run_id"]]; d != nil {
					if fi, err := os.Stat(filepath.Join(exp, d.Log)); err != nil || fi.Size() < flood {
						problems = append(problems, fmt.Sprintf("%s: the log does not hold the output", c.mode))
					}
				}
			}
			s.trial(problems)
		}
	}
	check("hostile", quick)
	check("hanging", slow)
	if len(stray) > 0 || len(ps) > 0 {
		s.fail(strings.Join(append(stray, ps...), "; "))
	}
	s.note("one sweep of %d misbehaving trainers at once (output flood %d MiB, on short lines and on one line) and one of %d that hang, with a 2 s timeout; each trial is a trainer; no process survived: %v",
		len(quick), flood>>20, len(slow), len(stray) == 0)
}

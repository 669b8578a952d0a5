package submit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kxrun/kxrun/tracker"
)

// ErrNoCLI is the Kaggle CLI missing from PATH.
var ErrNoCLI = errors.New("the Kaggle CLI (kaggle) is not on PATH")

// InstallHint says how to get the Kaggle CLI.
const InstallHint = "pip install kaggle, and put your API token in ~/.kaggle/kaggle.json (https://www.kaggle.com/settings, Create New Token)"

// CLI is the official Kaggle command-line tool.
type CLI struct{ Path string }

// FindCLI looks for kaggle on PATH.
func FindCLI() (*CLI, error) {
	p, err := exec.LookPath("kaggle")
	if err != nil {
		return nil, ErrNoCLI
	}
	return &CLI{Path: p}, nil
}

// Submit runs `kaggle competitions submit C -f FILE -m MESSAGE`, its
// output passed through.
func (c *CLI) Submit(ctx context.Context, competition, file, message string, stdout, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, c.Path, "competitions", "submit", competition, "-f", file, "-m", message)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kaggle competitions submit %s: %w", competition, err)
	}
	return nil
}

// Listing runs `kaggle competitions submissions C --csv`.
func (c *CLI) Listing(ctx context.Context, competition string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, c.Path, "competitions", "submissions", competition, "--csv")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kaggle competitions submissions %s --csv: %w: %s", competition, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Unmatched is a listing entry tied to no run, and why.
type Unmatched struct {
	Entry
	Why string
}

// Matching is what a listing says about the tracker's runs.
type Matching struct {
	Updates   []tracker.LBUpdate // complete, scored submissions of known runs
	Waiting   []Entry            // of known runs, not scored (pending, error)
	Unmatched []Unmatched
}

// Match ties listing entries to runs: by the kxrun:<run_id> token of the
// description, else by the file name of a submission kxrun wrote whose
// file still has the recorded sha256, when exactly one run wrote it.
// Anything else is unmatched, never guessed.
func Match(entries []Entry, known map[string]bool, refs []tracker.SubmissionRef, resolve func(string) string) Matching {
	var m Matching
	// The sha256 each recorded file has now, read once.
	current := map[string]string{}
	for _, r := range refs {
		if _, ok := current[r.Path]; !ok {
			current[r.Path] = fileSHA(resolve(r.Path))
		}
	}
	for _, e := range entries {
		run, sha, why := "", "", ""
		if id := RunToken(e.Description); id != "" {
			run = id
			if !known[id] {
				run, why = "", fmt.Sprintf("its description names %s, which this tracker does not have", id)
			}
		} else {
			runs := map[string]string{}
			for _, r := range refs {
				if filepath.Base(r.Path) == e.FileName && current[r.Path] == r.SHA256 && known[r.RunID] {
					runs[r.RunID] = r.SHA256
				}
			}
			switch len(runs) {
			case 1:
				for id, s := range runs {
					run, sha = id, s
				}
			case 0:
				why = "no kxrun:<run_id> in its description, and no submission kxrun wrote has this file name and content"
			default:
				ids := make([]string, 0, len(runs))
				for id := range runs {
					ids = append(ids, id)
				}
				why = "no kxrun:<run_id> in its description, and runs " + strings.Join(ids, ", ") + " wrote files of this name and content"
			}
		}
		switch {
		case run == "":
			m.Unmatched = append(m.Unmatched, Unmatched{Entry: e, Why: why})
		case !e.Complete() || (e.Public == nil && e.Private == nil):
			m.Waiting = append(m.Waiting, e)
		default:
			m.Updates = append(m.Updates, tracker.LBUpdate{RunID: run, SHA256: sha, FileName: e.FileName, Ref: e.Ref, Status: e.Status, Public: e.Public, Private: e.Private})
		}
	}
	return m
}

func fileSHA(path string) string {
	sum, _ := FileSHA256(path)
	return sum
}

package tracker

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Submission is a file written for a leaderboard from a run's test
// predictions, and what became of it.
type Submission struct {
	Path      string    `json:"path"` // relative to the tracker directory when inside it
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	WrittenAt time.Time `json:"written_at"`
	// Set by `kxrun submit`.
	Competition string     `json:"competition,omitempty"`
	Message     string     `json:"message,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	// Set by `kxrun lb --sync` from the competition's listing.
	Ref          string   `json:"ref,omitempty"`
	Status       string   `json:"status,omitempty"`
	PublicScore  *float64 `json:"public_score,omitempty"`
	PrivateScore *float64 `json:"private_score,omitempty"`
}

const (
	submissionsDir  = "submissions"
	submissionIndex = "index.jsonl" // one SubmissionRef per line, appended
)

// SubmissionPath is the default file of a run's submission.
func (t *Tracker) SubmissionPath(runID string) string {
	return t.path(submissionsDir, runID+".csv")
}

// SubmissionRef is one line of the submissions index: which run a file
// was written from.
type SubmissionRef struct {
	RunID  string `json:"run_id"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// SaveSubmission writes a run's submission file to path ("" for the
// default) atomically, then, under the lock, adds it to the run's details
// and to the submissions index, by which a file is traced back to its run.
func (t *Tracker) SaveSubmission(runID, path string, data []byte, rows int) (Submission, error) {
	if path == "" {
		path = t.SubmissionPath(runID)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Submission{}, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return Submission{}, err
	}
	if err := writeFileAtomic(abs, data, 0o644); err != nil {
		return Submission{}, fmt.Errorf("write submission: %w", err)
	}
	if err := syncDir(filepath.Dir(abs)); err != nil {
		return Submission{}, err
	}
	sum := sha256.Sum256(data)
	sub := Submission{Path: t.relative(abs), SHA256: hex.EncodeToString(sum[:]), Rows: rows, WrittenAt: time.Now().UTC()}
	err = t.locked(func() error {
		if err := t.editDetails(runID, func(rec *Record) {
			// Writing the same file again replaces its entry.
			rec.Submissions = removeSubmission(rec.Submissions, sub.Path)
			rec.Submissions = append(rec.Submissions, sub)
		}); err != nil {
			return err
		}
		return t.appendIndex(SubmissionRef{RunID: runID, Path: sub.Path, SHA256: sub.SHA256})
	})
	return sub, err
}

func removeSubmission(subs []Submission, path string) []Submission {
	out := subs[:0]
	for _, s := range subs {
		if s.Path != path {
			out = append(out, s)
		}
	}
	return out
}

// relative is path relative to the tracker directory when inside it.
func (t *Tracker) relative(abs string) string {
	if rel, err := filepath.Rel(t.Dir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return abs
}

// Resolve is the absolute path of a path recorded relative to the tracker.
func (t *Tracker) Resolve(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return t.path(path)
}

// editDetails changes one run's details record under the edit journal
// (its row follows it); the caller holds the lock.
func (t *Tracker) editDetails(runID string, edit func(*Record)) error {
	_, err := t.editRunsLocked([]string{runID}, func(rec *Record) error {
		edit(rec)
		return nil
	})
	return err
}

// appendIndex appends one line to the submissions index in one synced
// write; the caller holds the lock.
func (t *Tracker) appendIndex(ref SubmissionRef) error {
	line, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	path := t.path(submissionsDir, submissionIndex)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	return f.Sync()
}

// SubmissionRefs lists every submission file written, oldest first. A
// line torn by a crash is skipped.
func (t *Tracker) SubmissionRefs() ([]SubmissionRef, error) {
	data, err := os.ReadFile(t.path(submissionsDir, submissionIndex))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var refs []SubmissionRef
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r SubmissionRef
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.RunID != "" {
			refs = append(refs, r)
		}
	}
	return refs, nil
}

// FindSubmission finds the run a file was written from, by its sha256.
// Several runs can have written identical files; all are returned.
func (t *Tracker) FindSubmission(sha256hex string) ([]SubmissionRef, error) {
	refs, err := t.SubmissionRefs()
	if err != nil {
		return nil, err
	}
	var out []SubmissionRef
	seen := map[string]bool{}
	for _, r := range refs {
		if r.SHA256 == sha256hex && !seen[r.RunID] {
			seen[r.RunID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// NoteSubmitted records in a run's details that its submission (by
// sha256) was sent to a competition.
func (t *Tracker) NoteSubmitted(runID, sha256hex, competition, message string, at time.Time) error {
	return t.locked(func() error {
		return t.editDetails(runID, func(rec *Record) {
			for i := range rec.Submissions {
				if rec.Submissions[i].SHA256 == sha256hex {
					at := at.UTC()
					rec.Submissions[i].Competition, rec.Submissions[i].Message, rec.Submissions[i].SubmittedAt = competition, message, &at
				}
			}
		})
	})
}

// LBUpdate is what a leaderboard listing says about one run's submission.
type LBUpdate struct {
	RunID           string
	SHA256          string // of the submission file, when known
	FileName        string
	Ref, Status     string
	Public, Private *float64
}

// SetLeaderboard records public and private leaderboard scores, in each
// run's details with the submission's listing entry and in runs.csv
// (lb_score, cv_lb_gap, private_lb), through the same journaled edit as
// SetLB. A score missing from an update leaves the recorded one.
func (t *Tracker) SetLeaderboard(updates []LBUpdate) ([]Row, error) {
	byRun := map[string][]LBUpdate{}
	var refs []string
	for _, u := range updates {
		id := u.RunID
		if n, ok := ParseID(id); ok {
			id = FormatID(n)
		}
		if byRun[id] == nil {
			refs = append(refs, id)
		}
		byRun[id] = append(byRun[id], u)
	}
	if len(refs) == 0 {
		return nil, nil
	}
	return t.EditRuns(refs, func(rec *Record) error {
		for _, u := range byRun[rec.RunID] {
			if u.Public != nil {
				rec.LBScore = u.Public
			}
			if u.Private != nil {
				rec.PrivateLB = u.Private
			}
			for i := range rec.Submissions {
				s := &rec.Submissions[i]
				if (u.SHA256 != "" && s.SHA256 == u.SHA256) || (u.Ref != "" && s.Ref == u.Ref) ||
					(u.SHA256 == "" && u.Ref != "" && s.Ref == "" && filepath.Base(s.Path) == u.FileName) {
					s.Ref, s.Status = u.Ref, u.Status
					if u.Public != nil {
						s.PublicScore = u.Public
					}
					if u.Private != nil {
						s.PrivateScore = u.Private
					}
				}
			}
		}
		return nil
	})
}

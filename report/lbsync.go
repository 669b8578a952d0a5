package report

import (
	"fmt"
	"io"

	"github.com/kxrun/kxrun/submit"
	"github.com/kxrun/kxrun/tracker"
)

// SyncEntry is one submission of a listing, in `kxrun lb --sync --json`.
type SyncEntry struct {
	Ref         string   `json:"ref"`
	FileName    string   `json:"file_name"`
	Description string   `json:"description"`
	Status      string   `json:"status"`
	Public      *float64 `json:"public_score"`
	Private     *float64 `json:"private_score"`
	Why         string   `json:"why,omitempty"`
}

// SyncRun is a run whose scores were recorded.
type SyncRun struct {
	RunID   string   `json:"run_id"`
	Name    string   `json:"name"`
	CV      *float64 `json:"cv_score"`
	Public  *float64 `json:"lb_score"`
	Private *float64 `json:"private_lb"`
}

// Sync is what `kxrun lb --sync --json` prints.
type Sync struct {
	Recorded  []SyncRun   `json:"recorded"`
	Waiting   []SyncEntry `json:"waiting"`
	Unmatched []SyncEntry `json:"unmatched"`
}

func entryOf(e submit.Entry, why string) SyncEntry {
	return SyncEntry{Ref: e.Ref, FileName: e.FileName, Description: e.Description, Status: e.Status, Public: e.Public, Private: e.Private, Why: why}
}

// SyncJSON is the JSON of a sync.
func SyncJSON(changed []tracker.Row, m submit.Matching) Sync {
	s := Sync{Recorded: []SyncRun{}, Waiting: []SyncEntry{}, Unmatched: []SyncEntry{}}
	for _, r := range changed {
		s.Recorded = append(s.Recorded, SyncRun{RunID: r.RunID, Name: r.Name, CV: r.CVScore, Public: r.LBScore, Private: r.PrivateLB})
	}
	for _, e := range m.Waiting {
		s.Waiting = append(s.Waiting, entryOf(e, ""))
	}
	for _, u := range m.Unmatched {
		s.Unmatched = append(s.Unmatched, entryOf(u.Entry, u.Why))
	}
	return s
}

// SyncText prints what a sync recorded, what is still waiting for a
// score, and the submissions tied to no run (never guessed).
func SyncText(w io.Writer, changed []tracker.Row, m submit.Matching, st Style) {
	if len(changed) == 0 {
		fmt.Fprintln(w, "No scores recorded.")
	} else {
		fmt.Fprintf(w, "Recorded the leaderboard scores of %d run(s):\n", len(changed))
		t := &table{header: []string{"run", "name", "CV", "public LB", "private LB"}, right: []bool{false, false, true, true, true}, shrink: 1}
		for _, r := range changed {
			t.add("", r.RunID, r.Name, opt5(r.CVScore), opt5(r.LBScore), opt5(r.PrivateLB))
		}
		t.render(w, st)
	}
	if len(m.Waiting) > 0 {
		fmt.Fprintf(w, "\nNot scored yet (%d):\n", len(m.Waiting))
		t := &table{header: []string{"file", "status", "description"}, shrink: 2}
		for _, e := range m.Waiting {
			t.add("", e.FileName, e.Status, e.Description)
		}
		t.render(w, st)
	}
	if len(m.Unmatched) > 0 {
		fmt.Fprintf(w, "\nNot matched to any run (%d), left alone:\n", len(m.Unmatched))
		t := &table{header: []string{"file", "status", "public", "description", "why"}, right: []bool{false, false, true, false, false}, shrink: 3}
		for _, u := range m.Unmatched {
			t.add("", u.FileName, u.Status, opt5(u.Public), u.Description, u.Why)
		}
		t.render(w, st)
	}
}

func opt5(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt5(*f)
}

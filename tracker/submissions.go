package tracker

import "time"

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

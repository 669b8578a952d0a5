package tracker

// EnsembleInfo is how a blend was made, kept in its details.
type EnsembleInfo struct {
	Method  string           `json:"method"`
	Metric  string           `json:"metric"`
	Members []EnsembleMember `json:"members"`
	// InSample is the blend's metric on the OOF rows its weights were
	// chosen on; Honest, that of the blend whose every part was weighted
	// on the other parts (HonestFolds: part by part, FoldsFrom: "runs" or
	// "seeded k-fold").
	InSample    float64   `json:"in_sample"`
	Honest      float64   `json:"honest"`
	HonestFolds []float64 `json:"honest_folds"`
	FoldsFrom   string    `json:"folds_from"`
	BestSingle  string    `json:"best_single"` // the run id of the best member
	BestScore   float64   `json:"best_single_score"`
	Path        []string  `json:"path,omitempty"` // hill: the run ids in the order they were added
	Kept        int       `json:"kept,omitempty"` // hill: how many of Path the blend keeps
}

// EnsembleMember is one run of a blend.
type EnsembleMember struct {
	RunID  string  `json:"run_id"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Count  int     `json:"count,omitempty"` // hill: times picked
	Score  float64 `json:"score"`           // its own metric on the OOF rows
}

package study

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The summaries share their plan and sweep fields through embedded
// structs; their JSON keys (what --json prints and scripts read) keep
// their names and order.
func TestSummaryJSONKeys(t *testing.T) {
	sweep := []string{"runs_total", "runs_ok", "runs_failed", "runs_cancelled", "runs_not_started", "runs_cached", "runs_fresh",
		"failures", "started", "duration_s", "interrupted", "tracker", "report"}
	head := []string{"plan", "plan_file", "competition", "metric", "direction", "seeds", "alpha", "min_gain"}
	// Every omitempty field set, so that each key is printed.
	abl := &AblationSummary{}
	abl.Competition, abl.Report, abl.PlotNote = "c", "r", "n"
	path := &PathSummary{Stopped: "s"}
	path.Competition, path.Report = "c", "r"
	tests := []struct {
		name string
		v    any
		want []string
	}{
		{"ablation", abl, concat(head, []string{"variants", "groups"}, sweep, []string{"plot", "plot_note"})},
		{"path", path, concat(head, []string{"base", "all", "total", "steps", "path", "complete", "stopped"}, sweep)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, keysInOrder(t, data)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func concat(parts ...[]string) []string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// keysInOrder lists the top-level keys of a JSON object as they appear.
func keysInOrder(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.Token() // {
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

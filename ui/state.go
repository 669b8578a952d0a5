package ui

import (
	"strconv"
	"strings"
	"sync"

	"github.com/kxrun/kxrun/tracker"
)

// state is what the server knows of runs.csv: every row, read once and
// then followed by RowsSince (appended rows only, or everything again
// after a rewrite). Requests take a snapshot and never read the file.
type state struct {
	tr *tracker.Tracker

	mu       sync.RWMutex
	pos      tracker.CSVPos
	rows     []tracker.Row // in file order
	views    []view        // one per row, same order
	byID     map[string]int
	gen      uint64 // bumped on every change
	warnings []string
	err      error // of the last read, shown on every page
}

// view is what filters and groups need of a row, computed once.
type view struct {
	config string // the run's name without its seed: its configuration
	text   string // name and notes, lower-cased, for the text filter
}

// snapshot is a consistent view of the rows at one generation. Rows are
// only ever appended to the slices it holds (a rewrite makes new ones),
// so it stays valid while the state moves on.
type snapshot struct {
	rows  []tracker.Row
	views []view
	byID  map[string]int
	gen   uint64
	err   error
}

func newState(tr *tracker.Tracker) *state {
	return &state{tr: tr, byID: map[string]int{}}
}

// refresh reads what runs.csv gained since the last call.
func (s *state) refresh() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, next, reset, warnings, err := s.tr.RowsSince(s.pos)
	if err != nil {
		if s.err == nil || s.err.Error() != err.Error() {
			s.gen++
		}
		s.err = err
		return err
	}
	if s.err != nil {
		s.err = nil
		s.gen++
	}
	s.pos = next
	if reset {
		s.rows, s.views, s.byID, s.warnings = nil, nil, map[string]int{}, nil
		s.gen++
	}
	s.warnings = append(s.warnings, warnings...)
	if len(rows) == 0 {
		return nil
	}
	if !reset {
		// A snapshot may hold the old byID: this map is the next one's.
		byID := make(map[string]int, len(s.byID)+len(rows))
		for k, v := range s.byID {
			byID[k] = v
		}
		s.byID = byID
	}
	for i := range rows {
		s.byID[rows[i].RunID] = len(s.rows) + i
	}
	s.rows = append(s.rows, rows...)
	for i := range rows {
		s.views = append(s.views, viewOf(&rows[i]))
	}
	s.gen++
	return nil
}

func (s *state) snapshot() snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return snapshot{rows: s.rows, views: s.views, byID: s.byID, gen: s.gen, err: s.err}
}

func viewOf(r *tracker.Row) view {
	return view{config: configOf(r), text: strings.ToLower(r.Name + "\n" + r.Notes)}
}

// configOf is a run's configuration: its name without the seed suffix
// that sweeps give it ("_s42", "_sm5" for -5), so that the seeds of one
// variant group together.
func configOf(r *tracker.Row) string {
	if r.Seed == nil {
		return r.Name
	}
	s := strconv.FormatInt(*r.Seed, 10)
	if *r.Seed < 0 {
		s = "m" + s[1:]
	}
	if c, ok := strings.CutSuffix(r.Name, "_s"+s); ok && c != "" {
		return c
	}
	return r.Name
}

// find resolves a run reference as the command line does.
func (sn snapshot) find(ref string) (*tracker.Row, error) {
	if i, ok := sn.byID[ref]; ok {
		return &sn.rows[i], nil
	}
	i, err := tracker.Find(sn.rows, ref)
	if err != nil {
		return nil, err
	}
	return &sn.rows[i], nil
}

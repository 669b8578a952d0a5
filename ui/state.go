package ui

import (
	"cmp"
	"slices"
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

	mu    sync.RWMutex
	pos   tracker.CSVPos
	rows  []tracker.Row // in file order
	views []view        // one per row, same order
	keys  [numKeys]interner

	resets uint64 // rewrites read: the keys' numbering changed

	rankMu   sync.Mutex
	rank     [numKeys][]int32 // of each value among its key's values, sorted
	rankGen  [numKeys]uint64  // the resets they were computed at
	gen      uint64           // bumped on every change
	warnings []string
	err      error // of the last read, shown on every page
}

// view is what filters and groups need of a row, computed once.
type view struct {
	config string // the run's name without its seed: its configuration
	text   string // name and notes, lower-cased, for the text filter
	// keys numbers the row's value of each group key (config, variant,
	// plan, model) among that key's distinct values, so that grouping
	// indexes an array instead of hashing strings.
	keys [numKeys]int32
}

// The group keys, in view.keys.
const (
	keyConfig = iota
	keyVariant
	keyPlan
	keyModel
	numKeys
)

// interner numbers the distinct values of one group key, in order of
// appearance. Values are only added, so a snapshot's names stay valid.
type interner struct {
	ids   map[string]int32
	names []string
}

func (in *interner) id(s string) int32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	id := int32(len(in.names))
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

// snapshot is a consistent view of the rows at one generation. Rows are
// only ever appended to the slices it holds (a rewrite makes new ones),
// so it stays valid while the state moves on.
type snapshot struct {
	rows     []tracker.Row
	views    []view
	names    [numKeys][]string // the values numbered by view.keys
	st       *state
	resetGen uint64
	gen      uint64
	err      error
}

func newState(tr *tracker.Tracker) *state {
	return &state{tr: tr}
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
		s.rows, s.views, s.warnings, s.keys = nil, nil, nil, [numKeys]interner{}
		s.resets++ // the values are numbered anew
		s.gen++
	}
	s.warnings = append(s.warnings, warnings...)
	if len(rows) == 0 {
		return nil
	}
	s.rows = append(s.rows, rows...)
	for i := range rows {
		s.views = append(s.views, s.viewOf(&rows[i]))
	}
	s.gen++
	return nil
}

func (s *state) snapshot() snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sn := snapshot{rows: s.rows, views: s.views, gen: s.gen, err: s.err, st: s, resetGen: s.resets}
	for k := range s.keys {
		sn.names[k] = s.keys[k].names
	}
	return sn
}

func (s *state) viewOf(r *tracker.Row) view {
	v := view{config: configOf(r), text: strings.ToLower(r.Name + "\n" + r.Notes)}
	for k, val := range [numKeys]string{v.config, r.Variant, r.Plan, r.ModelType} {
		v.keys[k] = s.keys[k].id(val)
	}
	return v
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

// find resolves a run reference as the command line does; a run id is
// looked up by binary search (rows are in run order, as ids increase).
func (sn snapshot) find(ref string) (*tracker.Row, error) {
	if n, ok := tracker.ParseID(ref); ok {
		i, found := slices.BinarySearchFunc(sn.rows, n, func(r tracker.Row, n int) int { return cmp.Compare(r.Number, n) })
		if found {
			return &sn.rows[i], nil
		}
	}
	i, err := tracker.Find(sn.rows, ref)
	if err != nil {
		return nil, err
	}
	return &sn.rows[i], nil
}

// ranks gives each value of group key k its rank in sorted order. It is
// computed when a snapshot has values the last computation did not (new
// configurations), and shared otherwise: ranks among more values order a
// snapshot's fewer values the same way.
func (sn snapshot) ranks(k int) []int32 {
	names := sn.names[k]
	st := sn.st
	st.rankMu.Lock()
	defer st.rankMu.Unlock()
	if r := st.rank[k]; len(r) >= len(names) && st.rankGen[k] == sn.resetGen {
		return r
	}
	perm := make([]int32, len(names))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	rank := make([]int32, len(names))
	for pos, id := range perm {
		rank[id] = int32(pos)
	}
	st.rank[k], st.rankGen[k] = rank, sn.resetGen
	return rank
}

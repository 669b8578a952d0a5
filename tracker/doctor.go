package tracker

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kxrun/kxrun/internal/fileutil"
)

// Finding is something Doctor found wrong, or changed.
type Finding struct {
	RunID string `json:"run_id,omitempty"`
	What  string `json:"what"`
	// Fixable says whether Doctor with fix can mend it (from the details,
	// which are the source of truth, or by removing leftovers).
	Fixable bool `json:"fixable"`
}

// Checkup is what Doctor found and, with fix, changed.
type Checkup struct {
	Runs     int       `json:"runs"`
	Problems []Finding `json:"problems"`
	Fixed    []Finding `json:"fixed"`
	// Orphans are details without a row: commits stopped before their
	// row. Their ids stay reserved; they are not a problem.
	Orphans []string `json:"orphans"`
	// Claims are claims made on other hosts that are kept: they cannot be
	// checked from here and are younger than StaleClaimAge.
	Claims []Finding `json:"claims"`
}

// DoctorOptions says what Doctor may change: Fix mends and removes what
// it proves wrong; Claims (with Fix) removes the claims made on other
// hosts, however young.
type DoctorOptions struct {
	Fix, Claims bool
}

// doctorSkip are the columns runs.csv alone holds: not compared with the
// details.
var doctorSkip = []string{"archived"}

// Doctor checks runs.csv against the details records (the source of
// truth), every artifact against its recorded size and sha256, and looks
// for files left by interrupted writes. With fix, under the lock, it
// finishes an interrupted edit, removes the leftovers and rewrites the
// rows the details contradict (keeping the user's columns, the archived
// flag and rows it cannot read), removes stale claims (checkClaims), and
// lists every change.
func (t *Tracker) Doctor(opts DoctorOptions) (*Checkup, error) {
	fix := opts.Fix
	t.mu.Lock()
	defer t.mu.Unlock()
	var l *lock
	var err error
	if fix {
		l, err = acquire(t.path(lockName))
	} else {
		l, err = acquireShared(t.path(lockName))
	}
	if err != nil {
		return nil, err
	}
	defer l.release()
	c := &Checkup{Problems: []Finding{}, Fixed: []Finding{}, Orphans: []string{}, Claims: []Finding{}}
	problem := func(fixable bool, runID, format string, args ...any) {
		c.Problems = append(c.Problems, Finding{RunID: runID, What: fmt.Sprintf(format, args...), Fixable: fixable})
	}

	// Leftovers of interrupted writes.
	if _, err := os.Stat(t.journalPath()); err == nil {
		problem(true, "", "an edit of runs was interrupted (%s): it is finished by --fix, or by the next kxrun that writes", t.journalPath())
	}
	for _, pattern := range []string{t.path("." + csvName + ".tmp*"), t.path(detailsDir, ".*.json.tmp*")} {
		names, _ := filepath.Glob(pattern)
		for _, n := range names {
			problem(true, "", "temporary file left by an interrupted write: %s", n)
		}
	}

	data, err := os.ReadFile(t.CSVPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	tb, err := readTable(data, t.CSVPath())
	if err != nil {
		return nil, err
	}
	c.Runs = len(tb.rows)
	for _, w := range tb.warnings {
		problem(false, "", "%s (fix the row by hand: kxrun keeps it as it is)", w)
	}
	for _, m := range tb.missing {
		problem(true, "", "runs.csv has no %s column (an older layout)", m)
	}
	seen := map[string]bool{}
	fixes := map[int]Row{}
	for i := range tb.rows {
		r := &tb.rows[i]
		if seen[r.RunID] {
			problem(false, r.RunID, "%s appears twice in runs.csv", r.RunID)
		}
		seen[r.RunID] = true
		rec, err := t.Details(r.RunID)
		if err != nil {
			problem(false, r.RunID, "%v", err)
			continue
		}
		want := RowOf(rec)
		want.Archived = r.Archived
		var diffs []string
		for k := range columns {
			col := &columns[k]
			if slices.Contains(doctorSkip, col.name) || slices.Contains(tb.missing, col.name) {
				continue
			}
			if got, exp := col.get(r), col.get(&want); got != exp && !sameNumbers(col, got, exp) {
				diffs = append(diffs, fmt.Sprintf("%s %q (details: %q)", col.name, got, exp))
			}
		}
		if len(diffs) > 0 {
			problem(true, r.RunID, "runs.csv disagrees with the details: %s", strings.Join(diffs, ", "))
			fixes[i] = want
		}
		for _, kind := range sortedKeys(rec.Artifacts) {
			if msg := t.checkArtifact(rec.Artifacts[kind]); msg != "" {
				problem(false, r.RunID, "%s: %s", kind, msg)
			}
		}
	}
	entries, _ := os.ReadDir(t.path(detailsDir))
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && !strings.HasPrefix(id, ".") && !seen[id] {
			c.Orphans = append(c.Orphans, id)
		}
	}
	stale, fixed, held := t.checkClaims(fix, fix && opts.Claims, time.Now())
	c.Fixed = append(c.Fixed, fixed...)
	c.Claims = append(c.Claims, held...)
	if !fix || !slices.ContainsFunc(c.Problems, func(f Finding) bool { return f.Fixable }) {
		c.Problems = append(c.Problems, stale...)
		return c, nil
	}

	if err := t.recoverLocked(); err != nil {
		return c, err
	}
	t.removeStaleTemps()
	err = t.rewriteCSV(func(rows []Row) error {
		for i, want := range fixes {
			if i < len(rows) && rows[i].RunID == want.RunID {
				rows[i] = want
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	var left []Finding
	for _, p := range c.Problems {
		if p.Fixable {
			c.Fixed = append(c.Fixed, p)
		} else {
			left = append(left, p)
		}
	}
	c.Problems = append(append([]Finding{}, left...), stale...)
	return c, nil
}

// sameNumbers reports whether two values of a number column are equal to
// 12 significant digits: pandas writes floats back with 15 or 16, which
// is not a disagreement.
func sameNumbers(col *column, a, b string) bool {
	if col.kind != kOptFloat && col.kind != kLaxFloat {
		return false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), math.Abs(y))
}

// checkArtifact says what is wrong with a kept array, or "".
func (t *Tracker) checkArtifact(a *Artifact) string {
	if a == nil {
		return ""
	}
	f, size, err := fileutil.OpenRegular(t.path(a.Path))
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err.Error()
	}
	if sum := hex.EncodeToString(h.Sum(nil)); size != a.Bytes || sum != a.SHA256 {
		return fmt.Sprintf("%s has %d bytes, sha256 %.12s…; the details say %d bytes, %.12s…", a.Path, size, sum, a.Bytes, a.SHA256)
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package tracker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A claim says that a process is computing a fingerprint, so that another
// sweep of the same runs (started at the same time, or a worker on another
// node) waits for that run and reuses its result instead of making it
// twice. Each Tracker value that claims keeps one claim file,
// .work/claims/<host>_<pid>_<start>_<id>.jsonl: a line naming its owner,
// then a line per fingerprint claimed and one per fingerprint released.
// The claims of a whole sweep are checked against the others' and written
// at once, under the tracker's lock (claiming is atomic); a release is an
// append, and the file is removed once all it claimed is released. A file
// a run, not a file a claim: a sweep of 1,000 runs would otherwise create
// and delete 1,000 files, which took 12% of a sweep of trivial runs.
//
// A claim whose owner died expires: its owner is a process on this host
// whose start time no longer matches (pid + start time, so that a reused
// pid does not keep it alive). A claim made on another host cannot be
// checked from here and holds until it is released, or until kxrun doctor
// --fix removes it: when it is older than StaleClaimAge, or whatever its
// age with --claims (checkClaims).

const (
	claimsDir   = "claims"
	claimSuffix = ".jsonl"
)

// Claim is a fingerprint being computed, and by whom.
type Claim struct {
	Fingerprint string    `json:"fingerprint"`
	Name        string    `json:"name"` // of the run
	Plan        string    `json:"plan"`
	Host        string    `json:"host"`
	PID         int       `json:"pid"`
	Start       uint64    `json:"start"` // the owner's start time, in clock ticks after boot
	Since       time.Time `json:"since"`
}

// ClaimInfo describes the run a claim is for.
type ClaimInfo struct{ Fingerprint, Name, Plan string }

// claimLine is a line of a claim file: the owner (the first line), a
// claim or a release.
type claimLine struct {
	Host    string    `json:"host,omitempty"`
	PID     int       `json:"pid,omitempty"`
	Start   uint64    `json:"start,omitempty"`
	Claim   string    `json:"claim,omitempty"`
	Name    string    `json:"name,omitempty"`
	Plan    string    `json:"plan,omitempty"`
	Release string    `json:"release,omitempty"`
	Since   time.Time `json:"since"`
}

// claimFile is this Tracker value's claim file.
type claimFile struct {
	mu   sync.Mutex
	f    *os.File
	path string
	held map[string]bool // claimed and not released
}

// claimSet is what a claim file holds: its owner's live claims, by
// fingerprint.
type claimSet struct {
	path   string
	owner  Claim // the owner's fields
	claims map[string]*Claim
	err    error // the file could not be read or is damaged
}

func (t *Tracker) claimsPath(name string) string { return t.path(workName, claimsDir, name) }

// Claim claims fingerprint fp for this process. It returns nil when the
// claim is this process's now (or already was), else the live claim of
// another process. A claim left by a process that died is taken over.
func (t *Tracker) Claim(fp string, info ClaimInfo) (*Claim, error) {
	info.Fingerprint = fp
	owners, err := t.ClaimAll([]ClaimInfo{info})
	if err != nil {
		return nil, err
	}
	return owners[fp], nil
}

// ClaimAll claims the fingerprints of runs for this process at once. It
// returns, by fingerprint, the live claims of other processes that hold
// some of them; the others are this process's now (or already were).
func (t *Tracker) ClaimAll(runs []ClaimInfo) (map[string]*Claim, error) {
	for _, r := range runs {
		if fp := r.Fingerprint; fp == "" || strings.ContainsAny(fp, "/\x00\n") || fp[0] == '.' {
			return nil, fmt.Errorf("claim: bad fingerprint %q", fp)
		}
	}
	if err := os.MkdirAll(t.path(workName, claimsDir), 0o755); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	l, err := acquire(t.path(lockName))
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	defer l.release()
	owners := map[string]*Claim{}
	sets, err := t.claimSets()
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	for _, cs := range sets {
		for fp, c := range cs.claims {
			if !c.mine() {
				owners[fp] = c
			}
		}
	}
	cf := &t.claimFile
	cf.mu.Lock()
	defer cf.mu.Unlock()
	now := time.Now().UTC()
	var buf []byte
	var added []string
	out := map[string]*Claim{}
	for _, r := range runs {
		if o := owners[r.Fingerprint]; o != nil {
			out[r.Fingerprint] = o
			continue
		}
		if cf.held[r.Fingerprint] {
			continue
		}
		buf = appendClaimLine(buf, claimLine{Claim: r.Fingerprint, Name: r.Name, Plan: r.Plan, Since: now})
		if cf.held == nil {
			cf.held = map[string]bool{}
		}
		cf.held[r.Fingerprint] = true
		added = append(added, r.Fingerprint)
	}
	if len(buf) == 0 {
		return out, nil
	}
	if err := cf.write(t, buf, now); err != nil {
		for _, fp := range added {
			delete(cf.held, fp)
		}
		cf.removeIfEmpty()
		return nil, fmt.Errorf("claim: %w", err)
	}
	return out, nil
}

func appendClaimLine(buf []byte, l claimLine) []byte {
	data, _ := json.Marshal(l) // plain strings and numbers
	return append(append(buf, data...), '\n')
}

// write appends lines to the claim file, creating it with its owner line
// first. The caller holds cf.mu.
func (cf *claimFile) write(t *Tracker, lines []byte, now time.Time) error {
	if cf.f == nil {
		me := self()
		var id [4]byte
		rand.Read(id[:])
		name := fmt.Sprintf("%s_%d_%d_%x%s", safeName(me.host), me.pid, me.start, id, claimSuffix)
		path := t.claimsPath(name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		cf.f, cf.path = f, path
		lines = append(appendClaimLine(nil, claimLine{Host: me.host, PID: me.pid, Start: me.start, Since: now}), lines...)
	}
	// One write: a reader sees whole lines, or a last one cut short,
	// which it ignores.
	_, err := cf.f.Write(lines)
	return err
}

// removeIfEmpty closes and removes the claim file once it holds no claim,
// and reports whether it did. The caller holds cf.mu.
func (cf *claimFile) removeIfEmpty() bool {
	if len(cf.held) > 0 || cf.f == nil {
		return false
	}
	cf.f.Close()
	os.Remove(cf.path)
	cf.f, cf.path = nil, ""
	return true
}

// Release withdraws this Tracker's claim of fp; another's is left alone.
// The claim file goes once nothing it claimed is held.
func (t *Tracker) Release(fp string) {
	cf := &t.claimFile
	cf.mu.Lock()
	defer cf.mu.Unlock()
	if !cf.held[fp] {
		return
	}
	delete(cf.held, fp)
	if cf.removeIfEmpty() {
		return
	}
	// A release that cannot be written holds the claim until this process
	// ends, when it expires: other sweeps only wait longer.
	_ = cf.write(t, appendClaimLine(nil, claimLine{Release: fp, Since: time.Now().UTC()}), time.Time{})
}

// Wait waits until fp is no longer claimed by another live process (its
// run was logged, failed, or its owner died), or ctx ends.
func (t *Tracker) Wait(ctx context.Context, fp string) error {
	for delay := 20 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		sets, err := t.claimSets()
		if err != nil {
			return nil // claims cannot be read: they only save duplicate work
		}
		held := false
		for _, cs := range sets {
			if c := cs.claims[fp]; c != nil && !c.mine() {
				held = true
			}
		}
		if !held {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// Claims lists the live claims on the tracker, in fingerprint order;
// those of dead owners are removed.
func (t *Tracker) Claims() ([]*Claim, error) {
	sets, err := t.claimSets()
	if err != nil {
		return nil, err
	}
	var out []*Claim
	for _, cs := range sets {
		for _, c := range cs.claims {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Claim) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	return out, nil
}

// claimSets reads the claim files of live owners; a dead owner's file is
// removed. Damaged files are left out (doctor reports them).
func (t *Tracker) claimSets() ([]*claimSet, error) {
	all, err := t.readClaimSets()
	if err != nil {
		return nil, err
	}
	var live []*claimSet
	for _, cs := range all {
		switch {
		case cs.err != nil:
		case !cs.owner.alive():
			os.Remove(cs.path)
		default:
			live = append(live, cs)
		}
	}
	return live, nil
}

// readClaimSets reads every claim file.
func (t *Tracker) readClaimSets() ([]*claimSet, error) {
	entries, err := os.ReadDir(t.path(workName, claimsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sets []*claimSet
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), claimSuffix) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		cs, err := readClaimSet(t.claimsPath(e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		sets = append(sets, cs)
	}
	return sets, nil
}

func readClaimSet(path string) (*claimSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cs := &claimSet{path: path, claims: map[string]*Claim{}}
	// A last line without its newline is being written: left for later.
	complete := data[:bytes.LastIndexByte(data, '\n')+1]
	for n := 0; len(complete) > 0; n++ {
		var line []byte
		line, complete, _ = bytes.Cut(complete, []byte("\n"))
		var l claimLine
		if err := json.Unmarshal(line, &l); err != nil {
			cs.err = fmt.Errorf("line %d: %w", n+1, err)
			return cs, nil
		}
		switch {
		case n == 0 && l.Host != "" && l.PID > 0:
			cs.owner = Claim{Host: l.Host, PID: l.PID, Start: l.Start, Since: l.Since}
		case n == 0:
			cs.err = errors.New("line 1: no owner (host and pid)")
			return cs, nil
		case l.Claim != "":
			c := cs.owner
			c.Fingerprint, c.Name, c.Plan, c.Since = l.Claim, l.Name, l.Plan, l.Since
			cs.claims[l.Claim] = &c
		case l.Release != "":
			delete(cs.claims, l.Release)
		}
	}
	if cs.owner.PID == 0 {
		cs.err = errors.New("no owner line")
	}
	return cs, nil
}

// young reports whether the file at path was changed less than
// halfWritten ago.
func young(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && time.Since(fi.ModTime()) < halfWritten
}

// halfWritten is how long a claim file that does not decode is taken for
// one being written rather than one its owner left damaged (it died
// between creating and writing it).
const halfWritten = 10 * time.Second

// owner identifies a process across pid reuse.
type owner struct {
	host  string
	pid   int
	start uint64
}

// self is this process, looked up once.
var self = sync.OnceValue(func() owner {
	host, _ := os.Hostname()
	pid := os.Getpid()
	start, _ := processStart(pid)
	return owner{host, pid, start}
})

func (c *Claim) mine() bool {
	me := self()
	return c.Host == me.host && c.PID == me.pid && c.Start == me.start
}

// alive reports whether the claim's owner still runs. One on another host
// cannot be checked: it counts as alive.
func (c *Claim) alive() bool {
	if c.Host != self().host {
		return true
	}
	start, ok := processStart(c.PID)
	return ok && start == c.Start
}

// processStart is the start time of process pid (clock ticks after boot,
// field 22 of /proc/PID/stat); ok is false when there is no such process.
func processStart(pid int) (uint64, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		if processAlive(pid) { // no /proc: the pid alone
			return 0, true
		}
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: count after it.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 || fields[0] == "Z" { // a zombie has ended
		return 0, false
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	return start, err == nil
}

// StaleClaimAge is the age past which doctor --fix takes a claim made on
// another host for one whose owner died: a single run holding a
// fingerprint for a day is far longer than kxrun's runs usually take, and
// removing a live claim costs at most that run made twice, never a run.
const StaleClaimAge = 24 * time.Hour

// checkClaims is what doctor finds among the claims: stale are claims
// whose owner is gone (or taken to be: StaleClaimAge, or otherHosts for
// every claim of another host) and damaged claim files, left as problems
// without fix and listed in fixed once removed; held are the claims of
// other hosts that are kept, as they cannot be checked from here. A claim
// file is one owner's: its claims go, or stay, together.
func (t *Tracker) checkClaims(fix, otherHosts bool, now time.Time) (stale, fixed, held []Finding) {
	sets, _ := t.readClaimSets()
	me := self().host
	for _, cs := range sets {
		var whats []string
		claims := slices.SortedFunc(maps.Values(cs.claims), func(a, b *Claim) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
		newest := cs.owner.Since
		for _, c := range claims {
			if c.Since.After(newest) {
				newest = c.Since
			}
		}
		o := cs.owner
		switch {
		case cs.err != nil:
			if young(cs.path) {
				continue // being written
			}
			whats = []string{fmt.Sprintf("damaged claim file %s: %v", cs.path, cs.err)}
		case o.Host == me && !o.alive():
			for _, c := range claims {
				whats = append(whats, fmt.Sprintf("stale claim of %s (plan %s) by pid %d on %s since %s: that process has ended", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339)))
			}
			if len(claims) == 0 {
				whats = []string{fmt.Sprintf("stale claim file %s of pid %d on %s: that process has ended", cs.path, o.PID, o.Host)}
			}
		case o.Host == me:
			continue // live
		case now.Sub(newest) > StaleClaimAge:
			for _, c := range claims {
				whats = append(whats, fmt.Sprintf("stale claim of %s (plan %s) by pid %d on host %s since %s: older than %s, its owner is taken to have died", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339), StaleClaimAge))
			}
		case otherHosts:
			for _, c := range claims {
				whats = append(whats, fmt.Sprintf("claim of %s (plan %s) by pid %d on host %s since %s, removed as --claims asks", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339)))
			}
		default:
			for _, c := range claims {
				held = append(held, Finding{What: fmt.Sprintf("claim of %s (plan %s) by pid %d on host %s since %s: another host, so it cannot be checked from here; kxrun doctor --fix --claims removes it if that process is gone",
					c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339))})
			}
			continue
		}
		if len(whats) == 0 {
			whats = []string{fmt.Sprintf("claim file %s with every claim released", cs.path)}
		}
		removed := fix && (os.Remove(cs.path) == nil || !exists(cs.path))
		for _, what := range whats {
			f := Finding{What: what, Fixable: true}
			switch {
			case !fix:
				stale = append(stale, f)
			case removed:
				fixed = append(fixed, f)
			default:
				f.Fixable = false
				f.What += fmt.Sprintf(" (could not remove %s)", cs.path)
				stale = append(stale, f)
			}
		}
	}
	return stale, fixed, held
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

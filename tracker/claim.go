package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A claim says that a process is computing a fingerprint, so that another
// sweep of the same runs (started at the same time, or a worker on another
// node) waits for that run and reuses its result instead of making it
// twice. A claim is a file .work/claims/<fingerprint>.json, created with
// O_EXCL (the claim is atomic) and removed by its owner when the run is
// logged. A claim whose owner died expires: its owner is a process on
// this host whose start time no longer matches (pid + start time, so that
// a reused pid does not keep it alive). A claim made on another host
// cannot be checked from here and holds until it is released, or until
// kxrun doctor --fix removes it: when it is older than StaleClaimAge, or
// whatever its age with --claims (checkClaims).

const claimsDir = "claims"

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
type ClaimInfo struct{ Name, Plan string }

func (t *Tracker) claimPath(fp string) string {
	return t.path(workName, claimsDir, fp+".json")
}

// Claim claims fingerprint fp for this process. It returns nil when the
// claim is this process's now (or already was), else the live claim of
// another process. A claim left by a process that died is taken over.
func (t *Tracker) Claim(fp string, info ClaimInfo) (*Claim, error) {
	if fp == "" || strings.ContainsAny(fp, "/\x00") || fp[0] == '.' {
		return nil, fmt.Errorf("claim: bad fingerprint %q", fp)
	}
	if err := os.MkdirAll(t.path(workName, claimsDir), 0o755); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	me := self()
	c := Claim{Fingerprint: fp, Name: info.Name, Plan: info.Plan, Host: me.host, PID: me.pid, Start: me.start, Since: time.Now().UTC()}
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	for range 3 {
		err := t.createClaim(fp, data)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("claim %s: %w", fp, err)
		}
		owner, err := t.readClaim(fp)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // released meanwhile
		case err != nil:
			if young(t.claimPath(fp)) {
				return &Claim{Fingerprint: fp, Name: info.Name, Plan: info.Plan, Host: "?"}, nil // being written
			}
			os.Remove(t.claimPath(fp)) // its owner died writing it
			continue
		case owner.mine():
			return nil, nil
		case owner.alive():
			return owner, nil
		}
		t.expire(owner)
	}
	return nil, fmt.Errorf("claim %s: the claim file keeps changing", fp)
}

// createClaim creates the claim file with O_EXCL. Another process may
// read it before its content is written: readClaim then takes it for a
// claim being made (see halfWritten), not a damaged one.
func (t *Tracker) createClaim(fp string, data []byte) error {
	return createFile(t.claimPath(fp), data, 0o644)
}

// halfWritten is how long a claim file that does not decode is taken for
// one being written rather than one its owner left damaged (it died
// between creating and writing it).
const halfWritten = 10 * time.Second

// Release withdraws this process's claim of fp; another's is left alone.
func (t *Tracker) Release(fp string) {
	if c, err := t.readClaim(fp); err == nil && c.mine() {
		os.Remove(t.claimPath(fp))
	}
}

// Wait waits until fp is no longer claimed by another live process (its
// run was logged, failed, or its owner died), or ctx ends.
func (t *Tracker) Wait(ctx context.Context, fp string) error {
	for delay := 20 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		c, err := t.readClaim(fp)
		if errors.Is(err, fs.ErrNotExist) || err == nil && c.mine() {
			return nil
		}
		if err != nil && !young(t.claimPath(fp)) {
			return nil // its owner died writing it
		}
		if err == nil && !c.alive() {
			t.expire(c)
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// Claims lists the live claims on the tracker; those of dead owners are
// removed.
func (t *Tracker) Claims() ([]*Claim, error) {
	fps, err := jsonNames(t.path(workName, claimsDir))
	if err != nil {
		return nil, err
	}
	var out []*Claim
	for _, fp := range fps {
		c, err := t.readClaim(fp)
		if err != nil {
			continue
		}
		if !c.alive() {
			t.expire(c)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (t *Tracker) readClaim(fp string) (*Claim, error) {
	data, err := os.ReadFile(t.claimPath(fp))
	if err != nil {
		return nil, err
	}
	var c Claim
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("claim %s: %w", fp, err)
	}
	return &c, nil
}

// young reports whether the file at path was changed less than
// halfWritten ago.
func young(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && time.Since(fi.ModTime()) < halfWritten
}

// expire removes a dead owner's claim, unless it was replaced meanwhile.
func (t *Tracker) expire(c *Claim) {
	now, err := t.readClaim(c.Fingerprint)
	if err == nil && now.PID == c.PID && now.Start == c.Start && now.Host == c.Host {
		os.Remove(t.claimPath(c.Fingerprint))
	}
}

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
// other hosts that are kept, as they cannot be checked from here.
func (t *Tracker) checkClaims(fix, otherHosts bool, now time.Time) (stale, fixed, held []Finding) {
	entries, _ := os.ReadDir(t.path(workName, claimsDir))
	me := self().host
	for _, e := range entries {
		fp, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(fp, ".") {
			continue
		}
		path := t.claimPath(fp)
		c, err := t.readClaim(fp)
		var what string
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // released meanwhile
		case err != nil:
			if young(path) {
				continue // being written
			}
			what = fmt.Sprintf("damaged claim file %s: %v", path, err)
		case c.Host == me && !c.alive():
			what = fmt.Sprintf("stale claim of %s (plan %s) by pid %d on %s since %s: that process has ended", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339))
		case c.Host == me:
			continue // live
		case now.Sub(c.Since) > StaleClaimAge:
			what = fmt.Sprintf("stale claim of %s (plan %s) by pid %d on host %s since %s: older than %s, its owner is taken to have died", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339), StaleClaimAge)
		case otherHosts:
			what = fmt.Sprintf("claim of %s (plan %s) by pid %d on host %s since %s, removed as --claims asks", c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339))
		default:
			held = append(held, Finding{What: fmt.Sprintf("claim of %s (plan %s) by pid %d on host %s since %s: another host, so it cannot be checked from here; kxrun doctor --fix --claims removes it if that process is gone",
				c.Name, c.Plan, c.PID, c.Host, c.Since.Format(time.RFC3339))})
			continue
		}
		f := Finding{What: what, Fixable: true}
		if !fix {
			stale = append(stale, f)
			continue
		}
		if c == nil {
			os.Remove(path)
		} else {
			t.expire(c) // unless another process took it over meanwhile
		}
		after, err := t.readClaim(fp)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fixed = append(fixed, f)
		case c != nil && err == nil && (after.PID != c.PID || after.Host != c.Host || after.Start != c.Start):
			// claimed again since: a live claim
		default:
			f.Fixable = false
			f.What += fmt.Sprintf(" (could not remove %s)", path)
			stale = append(stale, f)
		}
	}
	return stale, fixed, held
}

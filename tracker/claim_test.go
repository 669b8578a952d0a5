package tracker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeClaim writes the claim file of another process (c's owner) that
// claims fp alone, named after fp.
func writeClaim(t *testing.T, tr *Tracker, fp string, c Claim) {
	t.Helper()
	data := appendClaimLine(nil, claimLine{Host: c.Host, PID: c.PID, Start: c.Start, Since: c.Since})
	data = appendClaimLine(data, claimLine{Claim: fp, Name: c.Name, Plan: c.Plan, Since: c.Since})
	if err := os.MkdirAll(tr.path(workName, claimsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(claimFilePath(tr, fp), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func claimFilePath(tr *Tracker, name string) string { return tr.claimsPath(name + claimSuffix) }

// otherClaim writes a claim of fp owned by the process cmd.
func otherClaim(t *testing.T, tr *Tracker, fp string, cmd *exec.Cmd) {
	t.Helper()
	start, ok := processStart(cmd.Process.Pid)
	if !ok {
		t.Fatal("no start time of the child")
	}
	writeClaim(t, tr, fp, Claim{Name: "r", Plan: "p", Host: self().host, PID: cmd.Process.Pid, Start: start})
}

func TestClaims(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	if owner, err := tr.Claim("aa", ClaimInfo{Name: "r1", Plan: "p"}); err != nil || owner != nil {
		t.Fatalf("first claim: %v %v", owner, err)
	}
	if owner, err := tr.Claim("aa", ClaimInfo{}); err != nil || owner != nil {
		t.Fatalf("claim again by its owner: %v %v", owner, err)
	}
	cs, err := tr.Claims()
	if err != nil || len(cs) != 1 || cs[0].Name != "r1" || cs[0].PID != os.Getpid() {
		t.Fatalf("claims: %+v %v", cs, err)
	}
	tr.Release("aa")
	if cs, _ := tr.Claims(); len(cs) != 0 {
		t.Fatalf("after release: %+v", cs)
	}

	// Another live process's claim holds; Wait returns when it dies, and
	// the claim then expires.
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	otherClaim(t, tr, "bb", child)
	owner, err := tr.Claim("bb", ClaimInfo{})
	if err != nil || owner == nil || owner.PID != child.Process.Pid {
		t.Fatalf("claim of a live other: %+v %v", owner, err)
	}
	tr.Release("bb") // not ours: left alone
	if _, err := os.Stat(claimFilePath(tr, "bb")); err != nil {
		t.Fatalf("released another's claim: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	if err := tr.Wait(ctx, "bb"); err == nil {
		t.Fatal("Wait returned while the owner lives")
	}
	cancel()
	go func() {
		time.Sleep(100 * time.Millisecond)
		child.Process.Kill()
		child.Wait()
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Wait(ctx, "bb"); err != nil {
		t.Fatalf("Wait after the owner died: %v", err)
	}
	if owner, err := tr.Claim("bb", ClaimInfo{}); err != nil || owner != nil {
		t.Fatalf("claim after the owner died: %+v %v", owner, err)
	}

	// A reused pid does not keep a claim alive: the start time differs.
	writeClaim(t, tr, "cc", Claim{Host: self().host, PID: os.Getpid(), Start: self().start + 1})
	if owner, err := tr.Claim("cc", ClaimInfo{}); err != nil || owner != nil {
		t.Fatalf("claim of a pid reused: %+v %v", owner, err)
	}
	if _, err := tr.Claim("../x", ClaimInfo{}); err == nil {
		t.Fatal("a fingerprint with a slash was accepted")
	}
}

// doctor lists stale claims and, with fix, removes them: a dead owner on
// this host, one of another host older than StaleClaimAge, a damaged
// file; a live owner's stays, and so does a young claim of another host
// unless Claims is given.
func TestDoctorClaims(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	otherClaim(t, tr, "live", child)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	write := func(fp string, c Claim) { writeClaim(t, tr, fp, c) }
	now := time.Now().UTC()
	write("dead", Claim{Name: "r_dead", Plan: "p", Host: self().host, PID: dead.ProcessState.Pid(), Start: 1, Since: now.Add(-time.Minute)})
	write("old", Claim{Name: "r_old", Plan: "p", Host: "node-x", PID: 7, Since: now.Add(-StaleClaimAge - time.Hour)})
	write("young", Claim{Name: "r_young", Plan: "p", Host: "node-y", PID: 8, Since: now.Add(-time.Hour)})
	os.WriteFile(claimFilePath(tr, "damaged"), []byte("{"), 0o644)
	past := now.Add(-time.Hour)
	os.Chtimes(claimFilePath(tr, "damaged"), past, past)
	os.WriteFile(claimFilePath(tr, "writing"), []byte("{"), 0o644) // just created: being written

	whats := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.What)
		}
		return out
	}
	c, err := tr.Doctor(DoctorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 3 || len(c.Fixed) != 0 || len(c.Claims) != 1 || !strings.Contains(c.Claims[0].What, "r_young") {
		t.Fatalf("without fix: problems %q, fixed %q, held %q", whats(c.Problems), whats(c.Fixed), whats(c.Claims))
	}
	for _, want := range []string{"r_dead (plan p) by pid", "r_old (plan p) by pid 7 on host node-x", "damaged claim file"} {
		if !slices.ContainsFunc(c.Problems, func(f Finding) bool { return f.Fixable && strings.Contains(f.What, want) }) {
			t.Errorf("no fixable problem %q in %q", want, whats(c.Problems))
		}
	}
	for _, fp := range []string{"dead", "old", "damaged", "young", "live", "writing"} {
		if _, err := os.Stat(claimFilePath(tr, fp)); err != nil {
			t.Errorf("doctor without fix removed %s: %v", fp, err)
		}
	}

	c, err = tr.Doctor(DoctorOptions{Fix: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 || len(c.Fixed) != 3 || len(c.Claims) != 1 {
		t.Fatalf("fix: problems %q, fixed %q, held %q", whats(c.Problems), whats(c.Fixed), whats(c.Claims))
	}
	for fp, kept := range map[string]bool{"dead": false, "old": false, "damaged": false, "young": true, "live": true, "writing": true} {
		if _, err := os.Stat(claimFilePath(tr, fp)); (err == nil) != kept {
			t.Errorf("after --fix, %s kept: %v, want %v", fp, err == nil, kept)
		}
	}

	c, err = tr.Doctor(DoctorOptions{Fix: true, Claims: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Fixed) != 1 || !strings.Contains(c.Fixed[0].What, "r_young") || len(c.Claims) != 0 {
		t.Fatalf("fix claims: fixed %q, held %q", whats(c.Fixed), whats(c.Claims))
	}
	if cs, _ := tr.Claims(); len(cs) != 1 || cs[0].Fingerprint != "live" {
		t.Errorf("claims left: %+v, want only the live one", cs)
	}
}

// A sweep's claims go into one file, written at once; releases are
// appended, and the file goes with the last one. A reader ignores a last
// line cut short (being appended).
func TestClaimAllOneFile(t *testing.T) {
	dir := t.TempDir()
	tr := mustOpen(t, dir)
	var runs []ClaimInfo
	for i := range 50 {
		runs = append(runs, ClaimInfo{Fingerprint: fmt.Sprintf("fp%02d", i), Name: fmt.Sprint("r", i), Plan: "p"})
	}
	owners, err := tr.ClaimAll(runs)
	if err != nil || len(owners) != 0 {
		t.Fatalf("ClaimAll: %v %v", owners, err)
	}
	files, _ := os.ReadDir(tr.path(workName, claimsDir))
	if len(files) != 1 || !strings.HasSuffix(files[0].Name(), claimSuffix) {
		t.Fatalf("claim files: %v, want one", files)
	}
	path := tr.claimsPath(files[0].Name())
	tr.Release("fp00")
	tr.Release("fp01")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"release":"fp02"`) // cut short: fp02 still held
	f.Close()
	cs, err := mustOpen(t, dir).Claims()
	if err != nil || len(cs) != 48 || cs[0].Fingerprint != "fp02" || cs[0].Name != "r2" || cs[0].PID != os.Getpid() {
		t.Fatalf("claims seen by another Tracker: %d, first %+v, %v", len(cs), cs[0], err)
	}
	for _, r := range runs {
		tr.Release(r.Fingerprint)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("claim file after the last release: %v", err)
	}
	if cs, _ := tr.Claims(); len(cs) != 0 {
		t.Errorf("claims after the last release: %+v", cs)
	}
}

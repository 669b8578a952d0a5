package tracker

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// otherClaim writes a claim of fp owned by the process cmd.
func otherClaim(t *testing.T, tr *Tracker, fp string, cmd *exec.Cmd) {
	t.Helper()
	start, ok := processStart(cmd.Process.Pid)
	if !ok {
		t.Fatal("no start time of the child")
	}
	data, _ := json.Marshal(Claim{Fingerprint: fp, Name: "r", Plan: "p", Host: self().host, PID: cmd.Process.Pid, Start: start})
	if err := os.MkdirAll(tr.path(workName, claimsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tr.claimPath(fp), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestClaims(t *testing.T) {
	tr := Open2(t, t.TempDir())
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
	if _, err := os.Stat(tr.claimPath("bb")); err != nil {
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
	c := Claim{Fingerprint: "cc", Host: self().host, PID: os.Getpid(), Start: self().start + 1}
	data, _ := json.Marshal(c)
	os.WriteFile(tr.claimPath("cc"), data, 0o644)
	if owner, err := tr.Claim("cc", ClaimInfo{}); err != nil || owner != nil {
		t.Fatalf("claim of a pid reused: %+v %v", owner, err)
	}
	if _, err := tr.Claim("../x", ClaimInfo{}); err == nil {
		t.Fatal("a fingerprint with a slash was accepted")
	}
}

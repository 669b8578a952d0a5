package tracker

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kxrun/kxrun/internal/npytest"
)

// A slot is reused, but every attempt starts in an empty run directory,
// whatever the previous run left there or removed.
func TestSlotStartsEveryAttemptEmpty(t *testing.T) {
	tr := mustOpen(t, t.TempDir())
	st, err := tr.NewStaging()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Remove()
	slot, err := st.Slot()
	if err != nil {
		t.Fatal(err)
	}
	empty := func() {
		t.Helper()
		if err := slot.Attempt(); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(slot.RunDir)
		if err != nil || len(entries) != 0 {
			t.Fatalf("run directory holds %v (%v)", entries, err)
		}
	}
	empty()
	os.MkdirAll(filepath.Join(slot.RunDir, "models", "fold1"), 0o755)
	os.WriteFile(filepath.Join(slot.RunDir, "models", "fold1", "m.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(slot.RunDir, "result.json"), []byte("{}"), 0o644)
	st.Release(slot)
	if again, _ := st.Slot(); again != slot {
		t.Fatal("a released slot is not reused")
	}
	empty()
	os.RemoveAll(slot.Dir) // a trainer that deleted $KXRUN_RUN_DIR/..
	empty()

	// A finished run's array waits outside the slot, intact.
	oof := filepath.Join(slot.RunDir, "oof.npy")
	npytest.Write(t, oof, []float64{1, 2})
	sum := sha(t, oof)
	kept, err := st.Keep(oof)
	if err != nil {
		t.Fatal(err)
	}
	empty()
	if sha(t, kept) != sum {
		t.Error("the kept array changed")
	}
}

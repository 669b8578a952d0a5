package tracker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/kxrun/kxrun/npyfile"
	"golang.org/x/sys/unix"
)

// Staging is where a process's runs happen until they are committed: a
// directory in .work named after the pid, so that a later process can tell
// a crashed sweep's leftovers from a live sweep. It holds reusable slots,
// one per run going at once, and the files of finished runs waiting for
// their commit (logs, arrays). Slots are reused rather than made per run:
// on ext4 every file created and deleted costs an inode allocation and a
// journal entry, which made up much of kxrun's cost per short run.
type Staging struct {
	Dir string

	mu    sync.Mutex
	seq   int
	slots int
	free  []*Slot
}

// Slot is a place to run one attempt at a time: an empty run directory
// and the path of the spec file.
type Slot struct {
	Dir      string
	RunDir   string
	SpecPath string
}

// NewStaging makes the staging area of a sweep.
func (t *Tracker) NewStaging() (*Staging, error) {
	dir, err := os.MkdirTemp(t.path(workName), strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("create run stage: %w", err)
	}
	return &Staging{Dir: dir}, nil
}

// Slot hands out a free slot, making one if none is free.
func (s *Staging) Slot() (*Slot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.free); n > 0 {
		sl := s.free[n-1]
		s.free = s.free[:n-1]
		return sl, nil
	}
	s.slots++
	dir := filepath.Join(s.Dir, "slot"+strconv.Itoa(s.slots))
	sl := &Slot{Dir: dir, RunDir: filepath.Join(dir, "run"), SpecPath: filepath.Join(dir, "spec.json")}
	if err := os.MkdirAll(sl.RunDir, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	return sl, nil
}

// Release gives a slot back once its run's files are out of it.
func (s *Staging) Release(sl *Slot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free = append(s.free, sl)
}

// Attempt makes the run directory empty for a new attempt: what an
// earlier run left there is deleted, and a directory a trainer removed is
// made again.
func (sl *Slot) Attempt() error {
	d, err := os.OpenFile(sl.RunDir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err == nil {
		names, _ := d.Readdirnames(1)
		d.Close()
		if len(names) == 0 {
			return nil
		}
	}
	if err := os.RemoveAll(sl.RunDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("empty run directory: %w", err)
	}
	if err := os.MkdirAll(sl.RunDir, 0o755); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	return nil
}

func (s *Staging) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// File is the path of a file named name in the staging area, for a
// caller that writes a run's files itself before committing them.
func (s *Staging) File(name string) string { return filepath.Join(s.Dir, name) }

// NewLog creates the log file of a run, open for appending. It lives
// outside the slot, so that the slot can be reused before the run is
// committed.
func (s *Staging) NewLog() (string, *os.File, error) {
	path := filepath.Join(s.Dir, "run"+strconv.Itoa(s.next())+".log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return "", nil, fmt.Errorf("create run log: %w", err)
	}
	return path, f, nil
}

// Keep moves a finished run's file out of its slot, to wait for the
// commit there.
func (s *Staging) Keep(path string) (string, error) {
	dst := s.keptPath(path)
	if err := rename(path, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// keptPath is a new name in the staging area for a file kept from a slot.
func (s *Staging) keptPath(path string) string {
	return filepath.Join(s.Dir, "kept"+strconv.Itoa(s.next())+filepath.Ext(path))
}

// ErrChanged is a run's array whose bytes changed between validation and
// keeping: another process wrote it.
var ErrChanged = errors.New("changed after it was validated")

// KeepCopy copies a finished run's array that lives outside its run
// directory (the trainer may write the same path again in its next run,
// before this one is committed), checking that the bytes copied are those
// that were validated (sha256).
func (s *Staging) KeepCopy(path, sha256hex string) (string, error) {
	dst := s.keptPath(path)
	if err := copyValidated(path, dst, sha256hex); err != nil {
		return "", err
	}
	return dst, nil
}

// copyValidated copies an array to the new file dst, checking that the
// bytes copied are those validated: an error wraps ErrChanged if not.
func copyValidated(src, dst, sha256hex string) error {
	sum, err := npyfile.Copy(src, dst)
	if err != nil {
		return err
	}
	if sum != sha256hex {
		os.Remove(dst)
		return fmt.Errorf("%s %w", src, ErrChanged)
	}
	return nil
}

// Remove deletes the staging area and whatever is left in it.
func (s *Staging) Remove() error { return os.RemoveAll(s.Dir) }

// removeStaleStages deletes stages left by kxrun processes that died.
func (t *Tracker) removeStaleStages() {
	entries, err := os.ReadDir(t.path(workName))
	if err != nil {
		return
	}
	for _, e := range entries {
		pidStr, _, ok := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidStr)
		if !ok || err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(t.path(workName, e.Name()))
	}
}

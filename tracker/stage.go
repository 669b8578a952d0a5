package tracker

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stage is the scratch area of one run in progress, inside the tracker so
// that its files can be renamed into place on commit.
type Stage struct {
	Dir     string
	LogPath string
	log     *os.File
}

// NewStage makes a staging area for a run called name.
func (t *Tracker) NewStage(name string) (*Stage, error) {
	// The pid prefix lets a later process tell a crashed run's stage from a
	// live one.
	dir, err := os.MkdirTemp(t.path(workName), strconv.Itoa(os.Getpid())+"-"+safeName(name)+"-")
	if err != nil {
		return nil, fmt.Errorf("create run stage: %w", err)
	}
	s := &Stage{Dir: dir, LogPath: filepath.Join(dir, "output.log")}
	if s.log, err = os.OpenFile(s.LogPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("create run log: %w", err)
	}
	return s, nil
}

// Log is the run's log file, open for appending.
func (s *Stage) Log() *os.File { return s.log }

// Attempt makes the empty run directory of an attempt and returns its path
// and the path for the spec file.
func (s *Stage) Attempt(n int) (runDir, specPath string, err error) {
	runDir = filepath.Join(s.Dir, fmt.Sprintf("run%d", n))
	if err := os.Mkdir(runDir, 0o755); err != nil {
		return "", "", fmt.Errorf("create run directory: %w", err)
	}
	return runDir, filepath.Join(s.Dir, fmt.Sprintf("spec%d.json", n)), nil
}

// CloseLog closes the log so that it can be committed.
func (s *Stage) CloseLog() error {
	if s.log == nil {
		return nil
	}
	err := s.log.Close()
	s.log = nil
	return err
}

// Remove deletes what is left of the stage after a commit.
func (s *Stage) Remove() error {
	s.CloseLog()
	return os.RemoveAll(s.Dir)
}

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

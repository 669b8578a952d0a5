package tracker

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/kxrun/kxrun/npyfile"
)

// Tracker is an open tracker directory.
type Tracker struct {
	Dir string

	// claimFile holds this Tracker's claims (see ClaimAll).
	claimFile claimFile

	// mu serialises this process's commits; the file lock serialises them
	// with other processes.
	mu sync.Mutex
	// What this process last saw of runs.csv, so that an append only reads
	// what other processes added since (the cost of logging does not grow
	// with the history).
	seen struct {
		info    os.FileInfo
		header  []string // of runs.csv as it is on disk
		crlf    bool
		size    int64
		lastNum int
		// The runs a new run is compared with.
		lastOK, firstOK *Row
		lastOKOfPlan    map[string]*Row // a plan run is compared with its plan's previous run
		// plansPartial: lastOKOfPlan came from a summary that keeps only
		// the plans run most recently.
		plansPartial bool
		baselineID   string
		baseline     *Row
	}
	// summarySaved is when this process last wrote the summary;
	// summaryBehind, that a commit since did not (see saveSummarySoon).
	summarySaved  time.Time
	summaryBehind bool

	// Warn, when set, is told what a rewrite of runs.csv could not read
	// (and kept as it was) or repaired.
	Warn func(msg string)
}

// Neighbours are the runs a newly committed run is compared with.
type Neighbours struct {
	Previous *Row // the last ok run before it of the same plan (of any, for a run of no plan)
	Baseline *Row // the run set with SetBaseline, else the first ok run
}

const (
	csvName    = "runs.csv"
	lockName   = ".lock"
	workName   = ".work"
	detailsDir = "details"
	logsDir    = "logs"
	artsDir    = "artifacts"
	reportsDir = "reports"
	configsDir = "configs"
)

// Open opens the tracker in dir, creating its layout if needed.
func Open(dir string) (*Tracker, error) { return OpenWarn(dir, nil) }

// OpenWarn is Open with warn (may be nil) told what opening repaired and
// what later rewrites could not read; see Tracker.Warn.
func OpenWarn(dir string, warn func(msg string)) (*Tracker, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"", detailsDir, logsDir, artsDir, reportsDir, configsDir, workName} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o755); err != nil {
			if readable(abs) {
				break // a tracker this user may read but not write: read it
			}
			return nil, fmt.Errorf("create tracker %s: %w", dir, err)
		}
	}
	t := &Tracker{Dir: abs, Warn: warn}
	if err := t.ensureCSV(); err != nil {
		if !readable(abs) {
			return nil, err
		}
	}
	t.removeStaleStages()
	if err := t.recover(); err != nil {
		return nil, err
	}
	if err := t.upgrade(); err != nil {
		return nil, err
	}
	return t, nil
}

// Peek opens the tracker in dir for reading only: nothing is created or
// repaired, and dir need not hold a tracker yet (it then reads as empty).
// A dry run uses it: it must write nothing.
func Peek(dir string) (*Tracker, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Tracker{Dir: abs}, nil
}

// ensureCSV creates runs.csv with its header, so that a new tracker reads
// as an empty table (pandas included). Under the lock: a concurrent first
// append must not be replaced.
func (t *Tracker) ensureCSV() error {
	if _, err := os.Stat(t.CSVPath()); err == nil {
		return nil
	}
	l, err := acquire(t.path(lockName))
	if err != nil {
		return err
	}
	defer l.release()
	if _, err := os.Stat(t.CSVPath()); err == nil {
		return nil
	}
	if err := writeFileAtomic(t.CSVPath(), encodeRows(nil, Columns, true), 0o644); err != nil {
		return fmt.Errorf("create %s: %w", t.CSVPath(), err)
	}
	return syncDir(t.Dir)
}

func (t *Tracker) path(parts ...string) string {
	return filepath.Join(append([]string{t.Dir}, parts...)...)
}

// jsonNames lists the names of the .json files in dir, without the
// ending; none where dir does not exist.
func jsonNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, name)
		}
	}
	return names, nil
}

// ReportsDir is where reports and figures go.
func (t *Tracker) ReportsDir() string { return t.path(reportsDir) }

// DetailsPath is the path of a run's details, details/<run_id>.json.
func (t *Tracker) DetailsPath(runID string) string { return t.path(detailsDir, runID+".json") }

// CSVPath is the path of runs.csv.
func (t *Tracker) CSVPath() string { return t.path(csvName) }

// SweepPaths are what a sweep's runs are logged in: runs.csv, and the
// details and configs directories (with a trailing separator).
func (t *Tracker) SweepPaths() []string {
	sep := string(filepath.Separator)
	return []string{t.CSVPath(), t.path(detailsDir) + sep, t.path(configsDir) + sep}
}

// ArtifactFile is an array to keep with a run.
type ArtifactFile struct {
	Kind   string // "oof" or "test"
	Path   string // where it is now
	Source string // where the trainer wrote it, if not Path
	Move   bool   // may be renamed (it belongs to the run); otherwise copied
	Info   npyfile.Info
}

// Files are what a run produced besides its record.
type Files struct {
	Log       string // a log file to move into logs/, "" for none
	Artifacts []ArtifactFile
	// Config is the run's resolved config (YAML) to keep as
	// configs/<run name>.yaml; nil for none.
	Config []byte
}

// Commit stores a run: it assigns the next run id, moves the run's files
// into place, writes its details and finally appends its row to runs.csv.
// rec is updated with its id and the paths of what was kept.
func (t *Tracker) Commit(rec *Record, files Files) (Neighbours, error) {
	nbs, err := t.CommitBatch([]Pending{{Record: rec, Files: files}})
	if err != nil {
		return Neighbours{}, err
	}
	return nbs[0], nil
}

// Pending is a run waiting to be committed.
type Pending struct {
	Record *Record
	Files  Files
}

// CommitBatch commits runs in their order as Commit would one by one, but
// under one lock, with one sync of the file system and one append for all
// their rows: runs that end while others are being committed cost a
// fraction of a commit each. If a run's files cannot be kept, the runs
// before it are still committed: the result holds their neighbours, and
// the error is about the first run that was not.
func (t *Tracker) CommitBatch(runs []Pending) ([]Neighbours, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, err := acquire(t.path(lockName))
	if err != nil {
		return nil, err
	}
	defer l.release()

	if err := t.refreshBaseline(); err != nil {
		return nil, err
	}
	if err := t.refresh(true); err != nil {
		return nil, err
	}
	if t.plansMissing(runs) {
		t.forget()
		if err := t.refreshFull(true); err != nil {
			return nil, err
		}
	}
	nbs := make([]Neighbours, 0, len(runs))
	rows := make([]Row, 0, len(runs))
	var placeErr error
	for _, p := range runs {
		if placeErr = t.placeLocked(p.Record, p.Files); placeErr != nil {
			break
		}
		nb := Neighbours{Previous: t.seen.lastOK, Baseline: t.seen.baseline}
		if p.Record.Plan != "" {
			nb.Previous = t.seen.lastOKOfPlan[p.Record.Plan]
		}
		if t.seen.baselineID == "" {
			nb.Baseline = t.seen.firstOK
		}
		nbs = append(nbs, nb)
		rows = append(rows, RowOf(p.Record))
		// Later runs of the batch are numbered and compared after this
		// one, as if it had been appended already.
		t.note(&rows[len(rows)-1])
	}
	if len(rows) == 0 {
		return nil, placeErr
	}
	if err := syncFS(t.Dir); err != nil {
		t.forget()
		return nil, err
	}
	if err := t.appendRows(rows); err != nil {
		t.forget()
		return nil, err
	}
	t.saveSummarySoon()
	return nbs, placeErr
}

// placeLocked gives rec the next free id and puts its files in place,
// unsynced: the caller syncs them all before appending the rows.
func (t *Tracker) placeLocked(rec *Record, files Files) error {
	// An id whose details exist was handed out by a commit that crashed
	// before its row: never give it again. Creating the details with
	// O_EXCL is the check.
	for n := t.seen.lastNum + 1; ; n++ {
		t.name(rec, files, n)
		details, err := detailsJSON(rec)
		if err != nil {
			return err
		}
		err = createFile(t.path(detailsDir, rec.RunID+".json"), details, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("write details of %s: %w", rec.RunID, err)
		}
		break
	}
	if files.Config != nil {
		if err := t.keepConfig(rec, files.Config); err != nil {
			return fmt.Errorf("write config of %s: %w", rec.RunID, err)
		}
	}
	if files.Log != "" {
		if err := t.keepLog(rec, files.Log); err != nil {
			return fmt.Errorf("keep log of %s: %w", rec.RunID, err)
		}
	}
	for _, a := range files.Artifacts {
		if err := t.keepArtifact(a, t.path(rec.Artifacts[a.Kind].Path)); err != nil {
			return fmt.Errorf("keep %s of %s: %w", a.Kind, rec.RunID, err)
		}
	}
	return nil
}

// keepLog renames a run's log into place. A trainer may have deleted it
// (it removed $KXRUN_RUN_DIR/..): the run is then kept without a log, and
// its details, written already, are rewritten to say so, rather than fail
// the commit, which would stop the sweep. The rename is tried first and the
// log looked for only when it fails: a stat before every rename cost as
// much as the rename.
func (t *Tracker) keepLog(rec *Record, log string) error {
	err := rename(log, t.path(rec.Log))
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, serr := os.Lstat(log); !errors.Is(serr, fs.ErrNotExist) {
		return err // the log is there: its destination is what is missing
	}
	rec.Log = ""
	details, err := detailsJSON(rec)
	if err != nil {
		return err
	}
	return os.WriteFile(t.path(detailsDir, rec.RunID+".json"), details, 0o644)
}

// keepConfig writes a run's config as configs/<run name>.yaml, the name
// given in rec.Config, unsynced like the run's other files: under a
// temporary name, then renamed to its name unless that exists, so that a
// crash never leaves a part of a config under a run's name and no rename
// ever replaces another run's config. When the name exists with the same
// content (the same run made again), it is the run's config already; with
// other content (the plan changed since), the run gets
// configs/<run name>.<run id>.yaml, and its details, written already, are
// rewritten to say so.
func (t *Tracker) keepConfig(rec *Record, data []byte) error {
	dst := t.path(rec.Config)
	// The commit lock is held: no other process writes this name.
	tmp := t.path(configsDir, ".tmp.yaml")
	os.Remove(tmp)
	if err := createFile(tmp, data, 0o644); err != nil {
		return err
	}
	defer os.Remove(tmp)
	err := renameNoReplace(tmp, dst)
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	if old, rerr := os.ReadFile(dst); rerr == nil && bytes.Equal(old, data) {
		return nil
	}
	rec.Config = filepath.Join(configsDir, safeName(rec.Name)+"."+rec.RunID+".yaml")
	if err := rename(tmp, t.path(rec.Config)); err != nil {
		return err
	}
	details, err := detailsJSON(rec)
	if err != nil {
		return err
	}
	return os.WriteFile(t.path(detailsDir, rec.RunID+".json"), details, 0o644)
}

// ConfigPath is where a run's config file is, "" when it has none.
func (t *Tracker) ConfigPath(rec *Record) string {
	if rec.Config == "" {
		return ""
	}
	return t.path(rec.Config)
}

// detailsJSON is the content of a run's details file.
func detailsJSON(rec *Record) ([]byte, error) {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return append(data, '\n'), nil
}

// name gives rec run number n and the paths its files will have.
func (t *Tracker) name(rec *Record, files Files, n int) {
	rec.Number, rec.RunID = n, FormatID(n)
	if files.Log != "" {
		rec.Log = filepath.Join(logsDir, rec.RunID+".log")
	}
	if files.Config != nil {
		rec.Config = filepath.Join(configsDir, safeName(rec.Name)+".yaml")
	}
	rec.Artifacts = nil
	for _, a := range files.Artifacts {
		if rec.Artifacts == nil {
			rec.Artifacts = map[string]*Artifact{}
		}
		rec.Artifacts[a.Kind] = &Artifact{
			Path:   artifactPath(a.Kind, rec.ModelType, n, a.Info.SHA256),
			Source: cmp.Or(a.Source, a.Path), Descr: a.Info.Descr, Dtype: a.Info.Dtype, Shape: a.Info.Shape,
			FortranOrder: a.Info.FortranOrder, Bytes: a.Info.Size, SHA256: a.Info.SHA256,
		}
	}
}

// keepArtifact renames a run's own array into place, or copies one that
// lives elsewhere, checking that the bytes are those that were validated.
func (t *Tracker) keepArtifact(a ArtifactFile, dst string) error {
	if contentAddressed(a.Kind) {
		return t.keepBlob(a, dst)
	}
	return t.keepFile(a, dst)
}

func (t *Tracker) keepFile(a ArtifactFile, dst string) error {
	if a.Move {
		return rename(a.Path, dst) // made durable with the commit's syncFS
	}
	tmp := dst + ".tmp" + strconv.Itoa(os.Getpid())
	os.Remove(tmp)
	if err := copyValidated(a.Path, tmp, a.Info.SHA256); err != nil {
		return err
	}
	return rename(tmp, dst)
}

// appendRows appends rows to runs.csv in one write and syncs it. The caller
// holds the lock, has refreshed t.seen and notes the rows. A failed write
// is undone so that the file never keeps a partial row.
func (t *Tracker) appendRows(rows []Row) error {
	path := t.CSVPath()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	header, crlf := Columns, false
	if fi.Size() > 0 && t.seen.header != nil {
		header, crlf = t.seen.header, t.seen.crlf
	}
	data := encodeRows(rows, header, fi.Size() == 0)
	if crlf {
		data = toCRLF(data)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Truncate(fi.Size())
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Truncate(fi.Size())
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if fi.Size() == 0 {
		if err := syncDir(t.Dir); err != nil {
			return err
		}
	}
	if nfi, err := f.Stat(); err == nil {
		t.seen.info, t.seen.size = nfi, nfi.Size()
	}
	return nil
}

// note updates what t.seen knows from a row read or written.
func (t *Tracker) note(r *Row) {
	t.seen.lastNum = max(t.seen.lastNum, r.Number)
	if r.Status == "ok" {
		t.seen.lastOK = r
		if r.Plan != "" {
			if t.seen.lastOKOfPlan == nil {
				t.seen.lastOKOfPlan = map[string]*Row{}
			}
			t.seen.lastOKOfPlan[r.Plan] = r
		}
		if t.seen.firstOK == nil {
			t.seen.firstOK = r
		}
	}
	if r.RunID == t.seen.baselineID {
		t.seen.baseline = r
	}
}

// forget makes the next refresh read runs.csv in full.
func (t *Tracker) forget() {
	t.seen.info, t.seen.header, t.seen.size, t.seen.lastNum = nil, nil, 0, 0
	t.seen.lastOK, t.seen.firstOK, t.seen.baseline, t.seen.lastOKOfPlan = nil, nil, nil, nil
	t.seen.plansPartial = false
}

// plansMissing reports whether a run's plan may have an ok run that
// t.seen does not know of: the summary it came from kept only the plans
// run most recently.
func (t *Tracker) plansMissing(runs []Pending) bool {
	if !t.seen.plansPartial {
		return false
	}
	for _, p := range runs {
		if p.Record.Plan != "" && t.seen.lastOKOfPlan[p.Record.Plan] == nil {
			return true
		}
	}
	return false
}

// refresh brings t.seen up to date with runs.csv; with repair set (the
// caller holds the lock) a torn last row left by a crash is cut off, so
// that the next append starts on a clean line.
func (t *Tracker) refresh(repair bool) error { return t.refreshFrom(repair, true) }

// refreshFull is refresh without the summary.
func (t *Tracker) refreshFull(repair bool) error { return t.refreshFrom(repair, false) }

func (t *Tracker) refreshFrom(repair, summary bool) error {
	path := t.CSVPath()
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.forget()
		return nil
	}
	if err != nil {
		return err
	}
	same := t.seen.info != nil && os.SameFile(fi, t.seen.info)
	if same && fi.Size() == t.seen.size {
		return nil
	}
	// Rows are only ever appended to the same file, so the new part can be
	// read on its own; a replaced file (a rewrite) is read again in full.
	var p parsed
	if same && fi.Size() > t.seen.size {
		data, err := readFrom(path, t.seen.size)
		if err != nil {
			return err
		}
		p, err = parseBody(data, t.seen.header, path, 0)
		if err != nil {
			return err
		}
		p.goodEnd += t.seen.size
		p.header, p.crlf = t.seen.header, t.seen.crlf
		for i := range p.rows {
			t.note(&p.rows[i])
		}
	} else {
		if summary && t.loadSummary(fi) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if p, err = parseCSV(data, path); err != nil {
			return err
		}
		t.forget()
		for i := range p.rows {
			t.note(&p.rows[i])
		}
	}
	size := fi.Size()
	if repair && p.torn {
		if err := os.Truncate(path, p.goodEnd); err != nil {
			return fmt.Errorf("repair the torn last row of %s: %w", path, err)
		}
		size = p.goodEnd
	}
	t.seen.info, t.seen.header, t.seen.crlf, t.seen.size = fi, p.header, p.crlf, size
	return nil
}

func readFrom(path string, off int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// Runs reads every row of runs.csv. Warnings say what was skipped.
func (t *Tracker) Runs() ([]Row, []string, error) {
	l, err := acquireShared(t.path(lockName))
	if err != nil {
		return nil, nil, err
	}
	defer l.release()
	data, err := os.ReadFile(t.CSVPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := parseCSV(data, t.CSVPath())
	return p.rows, p.warnings, err
}

// Details reads the record of a run.
func (t *Tracker) Details(runID string) (*Record, error) {
	data, err := os.ReadFile(t.path(detailsDir, runID+".json"))
	if err != nil {
		return nil, fmt.Errorf("details of %s: %w", runID, err)
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("details of %s are damaged: %w", runID, err)
	}
	return &rec, nil
}

// maxReportName bounds the length of a report's file name: file systems
// allow 255 bytes, and the temporary file's name is longer by about 15.
const maxReportName = 200

// WriteReport writes reports/<name> atomically and returns its path. A name
// too long for the file system is shortened, keeping its extension.
func (t *Tracker) WriteReport(name string, data []byte) (string, error) {
	if len(name) > maxReportName {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		cut := maxReportName - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	path := t.path(reportsDir, name)
	if err := writeFileAtomic(path, data, 0o644); err != nil {
		return "", fmt.Errorf("write report: %w", err)
	}
	if err := syncDir(t.path(reportsDir)); err != nil {
		return "", err
	}
	return path, nil
}

// safeName keeps a name usable as a file name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.', r == '+':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if out == "" {
		out = "run"
	}
	if len(out) > 120 {
		out = out[:120]
	}
	return out
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// readable reports whether dir holds a runs.csv this process can read.
func readable(dir string) bool {
	f, err := os.Open(filepath.Join(dir, csvName))
	if err == nil {
		f.Close()
	}
	return err == nil
}

// Exists reports whether dir holds a tracker.
func Exists(dir string) bool {
	ok, _ := Check(dir)
	return ok
}

// Check reports whether dir holds a tracker; the error says why it cannot
// be told, such as a tracker of another user that this one may not read
// (permission denied, not "no tracker").
func Check(dir string) (bool, error) {
	for _, name := range []string{csvName, detailsDir} {
		_, err := os.Stat(filepath.Join(dir, name))
		if err == nil {
			return true, nil
		}
		if errors.Is(err, fs.ErrPermission) {
			return false, fmt.Errorf("tracker %s: %w (ask its owner to let you read it: chmod -R a+rX %s)", dir, err, dir)
		}
	}
	return false, nil
}

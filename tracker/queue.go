package tracker

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Exchange is the directory a cluster executor shares with its jobs, in
// .work of the tracker (on the file system the nodes share): the tasks it
// hands out, the queue workers take them from, the jobs' logs, exit files
// and probes, and the jobs' state for `kxrun status`. It is named after
// the kxrun process, so a dead sweep's exchange is removed like its stage.
//
//	tasks/<name>.json          one attempt of a run: command, dir, env
//	queue/pending/<name>       tasks no worker has claimed
//	queue/claimed/<worker>/<name>
//	queue/closed               no more tasks will come
//	queue.lock                 held (flock) while claiming or requeueing
//	out/<name>.log             stdout and stderr of the task
//	exit/<name>.json           how the task ended, written atomically last
//	probe/<job>                written by each job as it starts
//	slurm/                     Slurm's own output of the jobs
//	jobs.json                  the jobs as squeue last saw them
type Exchange struct{ Dir string }

const exchangeTag = "-slurm"

var exchangeDirs = []string{"tasks", "queue/pending", "queue/claimed", "out", "exit", "probe", "slurm"}

// NewExchange makes the exchange directory of a sweep run by this process.
func (t *Tracker) NewExchange() (*Exchange, error) {
	dir, err := os.MkdirTemp(t.path(workName), strconv.Itoa(os.Getpid())+exchangeTag)
	if err != nil {
		return nil, fmt.Errorf("create the cluster exchange directory: %w", err)
	}
	for _, sub := range exchangeDirs {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("create the cluster exchange directory: %w", err)
		}
	}
	return &Exchange{Dir: dir}, nil
}

// OpenExchange opens the exchange directory a job was given. An error
// here, on a node, usually means the tracker is not on a shared file
// system.
func OpenExchange(dir string) (*Exchange, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("exchange directory %s is not absolute", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "tasks")); err != nil {
		return nil, fmt.Errorf("kxrun's exchange directory is not visible here: %w", err)
	}
	return &Exchange{Dir: dir}, nil
}

// Root is the exchange directory.
func (x *Exchange) Root() string { return x.Dir }

// WriteScript writes a job script and returns its path.
func (x *Exchange) WriteScript(name string, data []byte) (string, error) {
	path := x.path(name + ".sh")
	return path, writeFileAtomic(path, data, 0o755)
}

func (x *Exchange) path(parts ...string) string {
	return filepath.Join(append([]string{x.Dir}, parts...)...)
}

// PutTask writes a task for a job to run.
func (x *Exchange) PutTask(name string, data []byte) error {
	return writeFileAtomic(x.path("tasks", name+".json"), data, 0o644)
}

// Task reads a task.
func (x *Exchange) Task(name string) ([]byte, error) {
	return os.ReadFile(x.path("tasks", name+".json"))
}

// LogPath is where a task's output goes while it runs.
func (x *Exchange) LogPath(name string) string { return x.path("out", name+".log") }

// SlurmOutput is the sbatch --output pattern of the jobs.
func (x *Exchange) SlurmOutput() string { return x.path("slurm", "%A_%a.out") }

// SlurmOutputOf is Slurm's output file of a job ("12" or "12_3").
func (x *Exchange) SlurmOutputOf(job string) string {
	id, idx, ok := strings.Cut(job, "_")
	if !ok {
		idx = "4294967294" // what %a becomes for a job that is not an array
	}
	return x.path("slurm", id+"_"+idx+".out")
}

// WriteExit records how a task ended: durably and atomically, since its
// presence is what tells kxrun the task is over.
func (x *Exchange) WriteExit(name string, data []byte) error {
	return writeFileAtomic(x.path("exit", name+".json"), data, 0o644)
}

// Exit reads the exit file of a task; nil without an error when there is
// none yet.
func (x *Exchange) Exit(name string) ([]byte, error) {
	data, err := os.ReadFile(x.path("exit", name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// Exits lists the tasks that have an exit file, in one directory read.
func (x *Exchange) Exits() (map[string]bool, error) {
	return x.names("exit", ".json")
}

// WriteProbe is written by a job as it starts, to show that it sees the
// exchange directory.
func (x *Exchange) WriteProbe(job string, data []byte) error {
	return writeFileAtomic(x.path("probe", job), data, 0o644)
}

// Probes lists the jobs that have written their probe.
func (x *Exchange) Probes() (map[string]bool, error) { return x.names("probe", "") }

// Probe reads a job's probe; nil when there is none.
func (x *Exchange) Probe(job string) []byte {
	data, _ := os.ReadFile(x.path("probe", job))
	return data
}

// Forget removes the files of a finished task.
func (x *Exchange) Forget(name string) {
	os.Remove(x.path("tasks", name+".json"))
	os.Remove(x.LogPath(name))
	os.Remove(x.path("exit", name+".json"))
}

func (x *Exchange) names(sub, suffix string) (map[string]bool, error) {
	entries, err := os.ReadDir(x.path(sub))
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(entries))
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), suffix); ok && !strings.HasPrefix(name, ".") {
			out[name] = true
		}
	}
	return out, nil
}

// Enqueue puts a task in the queue the workers take from.
func (x *Exchange) Enqueue(name string) error {
	return createFile(x.path("queue", "pending", name), nil, 0o644)
}

// Unqueue takes a task out of the queue if no worker has claimed it yet.
func (x *Exchange) Unqueue(name string) (bool, error) {
	l, err := acquire(x.path("queue.lock"))
	if err != nil {
		return false, err
	}
	defer l.release()
	err = os.Remove(x.path("queue", "pending", name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Claim takes the first task of the queue for worker, under the queue's
// lock, so that no two workers run the same task. ok is false when the
// queue is empty.
func (x *Exchange) Claim(worker string) (name string, ok bool, err error) {
	l, err := acquire(x.path("queue.lock"))
	if err != nil {
		return "", false, err
	}
	defer l.release()
	pending, err := x.names("queue/pending", "")
	if err != nil || len(pending) == 0 {
		return "", false, err
	}
	name = slices.Min(slices.Collect(maps.Keys(pending)))
	own := x.path("queue", "claimed", worker)
	if err := os.MkdirAll(own, 0o755); err != nil {
		return "", false, err
	}
	if err := rename(x.path("queue", "pending", name), filepath.Join(own, name)); err != nil {
		return "", false, err
	}
	return name, true, nil
}

// Done drops a worker's claim on a task whose exit file is written.
func (x *Exchange) Done(worker, name string) {
	os.Remove(x.path("queue", "claimed", worker, name))
}

// Requeue gives the tasks a dead worker had claimed, and that have no
// exit file, back to the queue, and returns them.
func (x *Exchange) Requeue(worker string) ([]string, error) {
	l, err := acquire(x.path("queue.lock"))
	if err != nil {
		return nil, err
	}
	defer l.release()
	own := x.path("queue", "claimed", worker)
	claimed, err := x.names(filepath.Join("queue", "claimed", worker), "")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var back []string
	for name := range claimed {
		if data, _ := x.Exit(name); data != nil {
			os.Remove(filepath.Join(own, name))
			continue
		}
		if err := rename(filepath.Join(own, name), x.path("queue", "pending", name)); err != nil {
			return back, err
		}
		back = append(back, name)
	}
	os.Remove(own)
	slices.Sort(back)
	return back, nil
}

// Claims maps each claimed task to the worker that holds it.
func (x *Exchange) Claims() (map[string]string, error) {
	workers, err := os.ReadDir(x.path("queue", "claimed"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, w := range workers {
		names, err := x.names(filepath.Join("queue", "claimed", w.Name()), "")
		if err != nil {
			continue // removed meanwhile
		}
		for n := range names {
			out[n] = w.Name()
		}
	}
	return out, nil
}

// CloseQueue tells the workers that no more tasks will come: they exit
// once the queue is empty instead of waiting on it.
func (x *Exchange) CloseQueue() error {
	return createFile(x.path("queue", "closed"), nil, 0o644)
}

// QueueClosed reports whether CloseQueue was called.
func (x *Exchange) QueueClosed() bool {
	_, err := os.Stat(x.path("queue", "closed"))
	return err == nil
}

// Pending counts the tasks no worker has claimed.
func (x *Exchange) Pending() (int, error) {
	names, err := x.names("queue/pending", "")
	return len(names), err
}

// WriteJobs publishes the jobs' state for `kxrun status`.
func (x *Exchange) WriteJobs(data []byte) error {
	tmp := x.path(".jobs.json.tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return rename(tmp, x.path("jobs.json"))
}

// Remove deletes the exchange directory.
func (x *Exchange) Remove() error { return os.RemoveAll(x.Dir) }

// ClusterJobs returns what the exchanges of process pid last published
// (jobs.json), one document per exchange.
func (t *Tracker) ClusterJobs(pid int) [][]byte {
	matches, _ := filepath.Glob(t.path(workName, strconv.Itoa(pid)+exchangeTag+"*", "jobs.json"))
	var out [][]byte
	for _, m := range matches {
		if data, err := os.ReadFile(m); err == nil {
			out = append(out, data)
		}
	}
	return out
}

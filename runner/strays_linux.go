package runner

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// leaders are the pids of the runs' processes that are running now: their
// descendants belong to them and are not looked at when another run ends.
var leaders sync.Map // pid -> struct{}

func addLeader(pid int)    { leaders.Store(pid, struct{}{}) }
func removeLeader(pid int) { leaders.Delete(pid) }

// markedProcesses lists the processes, other than this one, whose
// environment holds marker (a NAME=value entry), as /proc shows the
// environment they were started with.
//
// kxrun is a child subreaper: a process a run started that outlives its
// parent is reparented to kxrun, never to init. So once a run's group is
// gone, whatever it left running is in kxrun's tree of descendants, outside
// the subtrees of the runs still going, and only that part of the tree is
// read: a few files per run instead of one per process on the machine.
// Where that cannot be relied on (no subreaper, no children files), every
// process is read.
func markedProcesses(marker string) []int {
	want := []byte(marker)
	if !treeWalkable() {
		return scanAll(want)
	}
	var pids []int
	queue := selfChildren()
	seen := map[int]bool{}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		if _, running := leaders.Load(pid); running {
			continue
		}
		if hasEnv(pid, want) {
			pids = append(pids, pid)
		}
		queue = append(queue, childrenOf(pid)...)
	}
	return pids
}

var (
	walkOnce sync.Once
	walkable bool
)

// treeWalkable reports whether orphans come to kxrun and /proc lists each
// thread's children (CONFIG_PROC_CHILDREN).
func treeWalkable() bool {
	walkOnce.Do(func() {
		self := strconv.Itoa(os.Getpid())
		_, err := os.Stat("/proc/" + self + "/task/" + self + "/children")
		walkable = err == nil && becomeSubreaper()
	})
	return walkable
}

// childrenOf lists the children of every thread of pid: a reparented
// orphan may be the child of any of kxrun's threads.
func childrenOf(pid int) []int {
	taskDir := "/proc/" + strconv.Itoa(pid) + "/task/"
	dir, err := os.Open(taskDir)
	if err != nil {
		return nil
	}
	tids, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil
	}
	var kids []int
	for _, tid := range tids {
		data, err := os.ReadFile(taskDir + tid + "/children")
		if err != nil {
			continue
		}
		kids = appendPids(kids, data)
	}
	return kids
}

// selfTasks keeps kxrun's own task directory and children files open: they
// are read after every run, and reading an open /proc file again costs one
// syscall where opening it costs three.
var selfTasks struct {
	sync.Mutex
	dir   *os.File
	files map[string]*os.File
	buf   []byte
}

// selfChildren is childrenOf(os.Getpid()).
func selfChildren() []int {
	st := &selfTasks
	st.Lock()
	defer st.Unlock()
	if st.dir == nil {
		dir, err := os.Open("/proc/self/task")
		if err != nil {
			return childrenOf(os.Getpid())
		}
		st.dir, st.files, st.buf = dir, map[string]*os.File{}, make([]byte, 4096)
	}
	if _, err := st.dir.Seek(0, io.SeekStart); err != nil {
		return childrenOf(os.Getpid())
	}
	tids, err := st.dir.Readdirnames(-1)
	if err != nil {
		return childrenOf(os.Getpid())
	}
	var kids []int
	live := make(map[string]bool, len(tids))
	for _, tid := range tids {
		live[tid] = true
		f := st.files[tid]
		if f == nil {
			if f, err = os.Open("/proc/self/task/" + tid + "/children"); err != nil {
				continue
			}
			st.files[tid] = f
		}
		for {
			n, err := f.ReadAt(st.buf, 0)
			if n == len(st.buf) && err == nil {
				st.buf = make([]byte, 2*len(st.buf)) // may be cut: read again
				continue
			}
			kids = appendPids(kids, st.buf[:n])
			break
		}
	}
	for tid, f := range st.files {
		if !live[tid] {
			f.Close()
			delete(st.files, tid)
		}
	}
	return kids
}

func appendPids(kids []int, data []byte) []int {
	for _, f := range strings.Fields(string(data)) {
		if k, err := strconv.Atoi(f); err == nil {
			kids = append(kids, k)
		}
	}
	return kids
}

// scanAll reads the environment of every process.
func scanAll(want []byte) []int {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		if hasEnv(pid, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// hasEnv reports whether pid was started with want in its environment.
// Processes of other users are not readable, and so never match.
func hasEnv(pid int, want []byte) bool {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for kv := range bytes.SplitSeq(env, []byte{0}) {
		if bytes.Equal(kv, want) {
			return true
		}
	}
	return false
}

package runner

import (
	"bytes"
	"os"
	"strconv"
)

// markedProcesses lists the processes, other than this one, whose
// environment holds marker (a NAME=value entry), as /proc shows the
// environment they were started with. Processes of other users are not
// readable, and so not listed.
func markedProcesses(marker string) []int {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil
	}
	self, want := os.Getpid(), []byte(marker)
	var pids []int
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + name + "/environ")
		if err != nil {
			continue
		}
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			if bytes.Equal(kv, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

//go:build !linux

package runner

// markedProcesses finds nothing where there is no /proc: processes that
// left their group are not looked for.
func markedProcesses(marker string) []int { return nil }

func addLeader(pid int)    {}
func removeLeader(pid int) {}

// waitExit has no pidfd to wait on: the caller waits in waitid.
func waitExit(pid int) bool { return false }

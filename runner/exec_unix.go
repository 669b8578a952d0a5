package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// DefaultGrace is how long a process group has between SIGTERM and SIGKILL.
const DefaultGrace = 10 * time.Second

// Local runs jobs as child processes of kxrun, each in its own process group.
type Local struct {
	// Grace is the time between SIGTERM and SIGKILL; DefaultGrace when zero.
	Grace time.Duration
	// Hard, when closed, kills every running group at once with SIGKILL
	// (a second Ctrl-C).
	Hard <-chan struct{}
}

func (l *Local) grace() time.Duration {
	if l.Grace > 0 {
		return l.Grace
	}
	return DefaultGrace
}

// Execute runs job to completion, never returning before every process of
// its group is gone (or, for a process that left the group, its output
// pipe has been given up on).
func (l *Local) Execute(ctx context.Context, job Job) (out Outcome) {
	becomeSubreaper()
	out = Outcome{ExitCode: -1, Start: time.Now()}
	defer func() { out.End = time.Now() }()

	cmd, err := buildCmd(job)
	if err != nil {
		out.StartErr = err
		return out
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		out.StartErr = err
		return out
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		stdoutR.Close()
		stdoutW.Close()
		out.StartErr = err
		return out
	}
	// Handing the child *os.File ends lets Wait return as soon as the
	// leader exits, even if a grandchild keeps the pipe open; our readers
	// drain the pipes separately.
	cmd.Stdout = stdoutW
	cmd.Stderr = stderrW
	if null := devNull(); null != nil {
		cmd.Stdin = null // else os/exec opens /dev/null itself, once per run
	}
	// Pdeathsig: if kxrun itself is killed (kill -9), the trainer goes too
	// instead of running on unobserved.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	logw := &lockedWriter{w: job.Log}
	sniff := newResultSniffer(maxResultLine)
	tail := newTailBuffer(stderrTailBytes)
	var copied sync.WaitGroup
	var outBytes, errBytes int64
	copied.Add(2)
	go func() {
		defer copied.Done()
		outBytes = copyOutput(io.MultiWriter(logw, sniff), stdoutR)
	}()
	go func() {
		defer copied.Done()
		errBytes = copyOutput(io.MultiWriter(logw, tail), stderrR)
	}()

	ctx, cancel := jobContext(ctx, job.Timeout)
	defer cancel()

	startErr := cmd.Start()
	// Our copies of the write ends must go, or the readers never see EOF.
	stdoutW.Close()
	stderrW.Close()
	if startErr != nil {
		stdoutR.Close()
		stderrR.Close()
		copied.Wait()
		out.StartErr = fmt.Errorf("start %s: %w", program(job.Command), startErr)
		return out
	}
	pgid := cmd.Process.Pid
	addLeader(pgid)

	waited := make(chan error, 1)
	go func() {
		waitExit(pgid) // then Wait reaps it at once
		waited <- cmd.Wait()
	}()

	var waitErr error
	select {
	case waitErr = <-waited:
	case <-ctx.Done():
		out.Cancelled = true
		waitErr = l.stop(pgid, waited)
	case <-l.Hard:
		out.Cancelled = true
		killGroup(pgid, syscall.SIGKILL)
		waitErr = <-waited
	}
	removeLeader(pgid)
	if ctx.Err() != nil && errors.Is(context.Cause(ctx), errTimeout) {
		out.TimedOut = true
		out.Cancelled = false
	}
	// The leader is gone; anything it left behind in its group goes too,
	// and so do processes that left the group (setsid) but carry the job's
	// marker: they could hold the output open or rewrite the run's files
	// after they were validated.
	l.cleanupGroup(pgid)
	l.cleanupMarked(job.Marker)

	drained := make(chan struct{})
	go func() { copied.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(pipeDrainLimit):
		// A process that escaped the group (setsid) still holds the pipes:
		// stop reading rather than hang the sweep.
		stdoutR.Close()
		stderrR.Close()
		<-drained
		out.OutputAbandoned = true
	}
	stdoutR.Close()
	stderrR.Close()

	out.OutputBytes = outBytes + errBytes
	out.ResultLine, out.ResultLineErr = sniff.Last(), sniff.LastErr()
	out.StderrTail = tail.String()
	fillExit(&out, cmd, waitErr)
	return out
}

// stop asks the group to terminate and kills it after the grace period.
func (l *Local) stop(pgid int, waited <-chan error) error {
	killGroup(pgid, syscall.SIGTERM)
	timer := time.NewTimer(l.grace())
	defer timer.Stop()
	select {
	case err := <-waited:
		return err
	case <-timer.C:
	case <-l.Hard:
	}
	killGroup(pgid, syscall.SIGKILL)
	return <-waited
}

// cleanupGroup terminates what is left of a group whose leader has exited:
// SIGTERM, then SIGKILL after the grace period, reaping members that were
// reparented to us so that they do not linger as zombies.
func (l *Local) cleanupGroup(pgid int) {
	if !groupAlive(pgid) {
		return
	}
	killGroup(pgid, syscall.SIGTERM)
	deadline := time.Now().Add(l.grace())
	for groupAlive(pgid) {
		if time.Now().After(deadline) || isClosed(l.Hard) {
			killGroup(pgid, syscall.SIGKILL)
			deadline = time.Now().Add(time.Hour)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cleanupMarked terminates the processes that carry marker in their
// environment: SIGTERM, then SIGKILL after the grace period, reaping those
// that were reparented to us. New ones they start meanwhile get the same.
func (l *Local) cleanupMarked(marker string) {
	if marker == "" {
		return
	}
	pids := markedProcesses(marker)
	if len(pids) == 0 {
		return
	}
	termed := map[int]bool{}
	start := time.Now()
	deadline := start.Add(l.grace())
	for ; len(pids) > 0; pids = markedProcesses(marker) {
		kill := time.Now().After(deadline) || isClosed(l.Hard)
		for _, pid := range pids {
			switch {
			case kill:
				_ = syscall.Kill(pid, syscall.SIGKILL)
			case !termed[pid]:
				_ = syscall.Kill(pid, syscall.SIGTERM)
				termed[pid] = true
			}
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		}
		if time.Since(start) > l.grace()+pipeDrainLimit {
			return // unkillable (stuck in the kernel): give up rather than hang
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func killGroup(pgid int, sig syscall.Signal) {
	_ = syscall.Kill(-pgid, sig)
}

// groupAlive reaps any of our children in the group and reports whether a
// member remains.
func groupAlive(pgid int) bool {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-pgid, &ws, syscall.WNOHANG, nil)
		if err != nil || pid <= 0 {
			break
		}
	}
	return syscall.Kill(-pgid, 0) == nil
}

var errTimeout = errors.New("timeout")

func jobContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, timeout, errTimeout)
}

func buildCmd(job Job) (*exec.Cmd, error) {
	var cmd *exec.Cmd
	switch {
	case job.Command.IsShell():
		cmd = exec.Command("/bin/sh", "-c", job.Command.Shell)
	case len(job.Command.Argv) > 0:
		cmd = exec.Command(job.Command.Argv[0], job.Command.Argv[1:]...)
		if cmd.Err != nil {
			return nil, fmt.Errorf("start %s: %w", job.Command.Argv[0], cmd.Err)
		}
	default:
		return nil, errors.New("empty command")
	}
	cmd.Dir = job.Dir
	cmd.Env = job.Env
	return cmd, nil
}

func fillExit(out *Outcome, cmd *exec.Cmd, waitErr error) {
	if cmd.ProcessState == nil {
		if waitErr != nil && out.StartErr == nil {
			out.StartErr = waitErr
		}
		return
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok {
		out.ExitCode = cmd.ProcessState.ExitCode()
		return
	}
	switch {
	case ws.Exited():
		out.ExitCode = ws.ExitStatus()
	case ws.Signaled():
		out.Signal = ws.Signal().String()
		out.SignalNumber = int(ws.Signal())
	}
}

// copyBuffers are reused by the output copiers: io.Copy would allocate
// 32 KiB per stream and run, most of a short sweep's garbage.
var copyBuffers = sync.Pool{New: func() any { return new([32 << 10]byte) }}

// copyOutput copies a child's output until EOF and returns how many bytes
// it read.
func copyOutput(dst io.Writer, src *os.File) int64 {
	buf := copyBuffers.Get().(*[32 << 10]byte)
	defer copyBuffers.Put(buf)
	// Hiding src's WriteTo keeps io.CopyBuffer on our buffer.
	n, _ := io.CopyBuffer(dst, struct{ io.Reader }{src}, buf[:])
	return n
}

// devNull is the standard input of every run, opened once; nil if it
// cannot be opened (os/exec then tries on its own and reports the error).
var devNull = sync.OnceValue(func() *os.File {
	f, err := os.Open(os.DevNull)
	if err != nil {
		return nil
	}
	return f
})

// lockedWriter serialises writes from the stdout and stderr copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.w == nil {
		return len(p), nil
	}
	if _, err := lw.w.Write(p); err != nil {
		// A log that cannot be written must not block the child: keep
		// draining, remember nothing more.
		lw.w = nil
	}
	return len(p), nil
}

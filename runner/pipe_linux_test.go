package runner

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestOutputPipe: the read end is in the poller (a blocked read returns
// when it is closed, which is how kxrun gives up on output held open by an
// escaped process), the write end is blocking for the child, and neither
// leaks into other children.
func TestOutputPipe(t *testing.T) {
	r, w, err := outputPipe()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f           *os.File
		nonblocking bool
	}{{r, true}, {w, false}} {
		fl, err := unix.FcntlInt(c.f.Fd(), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := fl&unix.O_NONBLOCK != 0; got != c.nonblocking {
			t.Errorf("%s: non-blocking %v, want %v", c.f.Name(), got, c.nonblocking)
		}
		fd, err := unix.FcntlInt(c.f.Fd(), unix.F_GETFD, 0)
		if err != nil || fd&unix.FD_CLOEXEC == 0 {
			t.Errorf("%s: not close-on-exec (%#x, %v)", c.f.Name(), fd, err)
		}
	}
	if _, err := w.Write([]byte("{\"cv_scores\": [0.8]}\n")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got, err := io.ReadAll(r); err != nil || string(got) != "{\"cv_scores\": [0.8]}\n" {
		t.Fatalf("read %q, %v", got, err)
	}
	r.Close()

	r, w, err = outputPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 16))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	r.Close()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("read on a closed pipe: %v, want os.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing the read end did not end a blocked read")
	}
}

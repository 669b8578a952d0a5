package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// UsageError is a bad option: the caller exits with a usage status.
type UsageError struct{ Msg, Hint string }

func (e *UsageError) Error() string { return e.Msg }

// Serve serves tr's dashboard until ctx ends, printing its URL to out.
func Serve(ctx context.Context, tr *tracker.Tracker, opts Options, out io.Writer) error {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return &UsageError{Msg: fmt.Sprintf("--addr %q is not host:port: %v", opts.Addr, err), Hint: "--addr 127.0.0.1:8765"}
	}
	generated := false
	if !IsLoopback(host) && opts.Token == "" {
		// Anyone who can reach the port could read the tracker.
		if opts.Token, err = randomToken(); err != nil {
			return err
		}
		generated = true
	}
	s, err := New(tr, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another kxrun ui running? try --addr 127.0.0.1:0 for any free port)", opts.Addr, err)
	}
	s.Bind(ln.Addr(), opts.Addr)
	link := s.URL(ln.Addr(), opts.Addr)
	fmt.Fprintf(out, "kxrun ui: serving %s (%d runs) at %s\n", tr.Dir, len(s.state.snapshot().rows), link)
	if generated {
		fmt.Fprintln(out, "kxrun ui: the address is not loopback, so the URL carries a token generated for this process (--token sets your own)")
	}
	mode := "read-only (--allow-edit enables LB scores, archiving and notes)"
	if opts.AllowEdit {
		mode = "edits allowed: LB scores, archiving and notes"
	}
	fmt.Fprintf(out, "kxrun ui: %s; press Ctrl-C to stop\n", mode)
	if opts.Open {
		if err := openBrowser(link); err != nil {
			fmt.Fprintf(out, "kxrun ui: could not start a browser (%v): open the URL above\n", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.follow(ctx)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	_ = srv.Shutdown(shut)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// URL is the dashboard's address as a user opens it, token included.
func (s *Server) URL(bound net.Addr, given string) string {
	host := bound.String()
	if h, p, err := net.SplitHostPort(host); err == nil {
		if gh, _, err := net.SplitHostPort(given); err == nil && gh != "" && net.ParseIP(gh) == nil {
			h = gh // the name the user gave
		} else if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
			h = "localhost"
		}
		host = net.JoinHostPort(h, p)
	}
	u := url.URL{Scheme: "http", Host: host, Path: "/"}
	if s.opts.Token != "" {
		u.RawQuery = url.Values{"token": {s.opts.Token}}.Encode()
	}
	return u.String()
}

func openBrowser(link string) error {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", link).Start()
	}
	cmd := exec.Command(name, link)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it
	return nil
}

package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// Options configure the dashboard.
type Options struct {
	Addr      string // host:port to listen on; "" is DefaultAddr
	Token     string // required on every request when set; generated for a non-loopback Addr
	AllowEdit bool   // LB scores, archiving and notes may be changed through POST
	Open      bool   // start the user's browser on the dashboard
	// Poll is how often runs.csv and the sweeps' status are looked at
	// (a stat when nothing changed); 0 is DefaultPoll.
	Poll time.Duration
}

// DefaultAddr is where the dashboard listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8765"

// DefaultPoll is how often the tracker is looked at for new runs.
const DefaultPoll = 500 * time.Millisecond

// Server serves one tracker.
type Server struct {
	tr    *tracker.Tracker
	opts  Options
	state *state
	figs  *figures
	csrf  string
	mux   *http.ServeMux
	root  *os.Root // the tracker: files are opened through it only

	// hosts are the Host headers accepted; anyIP accepts any IP literal
	// with port (bound to every interface).
	hostsMu sync.RWMutex
	hosts   map[string]bool
	anyIP   string // the port, when bound to an unspecified address

	// statusGen changes when the sweeps' status does.
	statusMu  sync.Mutex
	statusKey string
	statusGen uint64
	dead      []*tracker.SweepStatus

	sweepMu sync.Mutex
	sweeps  map[string]*sweepResult // by plan

	optMu  sync.Mutex
	opt    options
	optGen uint64
}

// New makes the dashboard of tr and reads its runs once. The caller
// serves s.Handler() on a listener and calls Bind with its address.
func New(tr *tracker.Tracker, opts Options) (*Server, error) {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, err
	}
	figs, err := newFigures()
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(tr.Dir)
	if err != nil {
		figs.close()
		return nil, err
	}
	s := &Server{tr: tr, opts: opts, state: newState(tr), figs: figs, csrf: csrf, hosts: map[string]bool{}, root: root, sweeps: map[string]*sweepResult{}}
	if err := s.state.refresh(); err != nil {
		figs.close()
		return nil, err
	}
	s.routes()
	return s, nil
}

// Close removes the server's temporary files.
func (s *Server) Close() {
	s.figs.close()
	s.root.Close()
}

// Refresh reads what runs.csv gained since the last look.
func (s *Server) Refresh() error { return s.state.refresh() }

// Bind sets the address the server answers for: requests whose Host is
// not that address (as a name or IP the address stands for) are refused.
// given is the address as the user wrote it, which may name the host.
func (s *Server) Bind(bound net.Addr, given string) {
	s.hostsMu.Lock()
	defer s.hostsMu.Unlock()
	tcp, ok := bound.(*net.TCPAddr)
	if !ok {
		return
	}
	port := fmt.Sprint(tcp.Port)
	add := func(host string) {
		s.hosts[strings.ToLower(net.JoinHostPort(host, port))] = true
		if port == "80" { // browsers leave the default port out
			s.hosts[strings.ToLower(strings.TrimSuffix(net.JoinHostPort(host, port), ":80"))] = true
		}
	}
	if h, _, err := net.SplitHostPort(given); err == nil && h != "" {
		add(h)
	}
	switch {
	case tcp.IP.IsUnspecified():
		s.anyIP = port
		add("localhost")
		if name, err := os.Hostname(); err == nil {
			add(name)
		}
	case tcp.IP.IsLoopback():
		add(tcp.IP.String())
		add("localhost")
	default:
		add(tcp.IP.String())
	}
}

func (s *Server) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	s.hostsMu.RLock()
	defer s.hostsMu.RUnlock()
	if s.hosts[host] {
		return true
	}
	if s.anyIP != "" {
		if h, p, err := net.SplitHostPort(host); err == nil && p == s.anyIP && net.ParseIP(h) != nil {
			return true
		}
	}
	return false
}

const tokenCookie = "kxrun_ui_token"

// Handler is the dashboard with its safety checks in front.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if !s.hostAllowed(r.Host) {
			http.Error(w, "kxrun ui: refused: the Host header "+quote(r.Host)+" is not the address this dashboard is bound to (open it by that address)", http.StatusMisdirectedRequest)
			return
		}
		if s.opts.Token != "" {
			if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet {
				if !equal(q, s.opts.Token) {
					http.Error(w, "kxrun ui: wrong token: use the URL kxrun ui printed", http.StatusUnauthorized)
					return
				}
				// The token moves to a cookie and out of the address bar
				// (and of the browser's history).
				http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.opts.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				u := *r.URL
				v := u.Query()
				v.Del("token")
				u.RawQuery = v.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			if !s.tokenOK(r) {
				http.Error(w, "kxrun ui: this dashboard needs its token: open the URL kxrun ui printed (with ?token=...)", http.StatusUnauthorized)
				return
			}
		}
		if r.Method == http.MethodPost {
			if err := s.checkPost(r); err != nil {
				http.Error(w, "kxrun ui: "+err.Error(), http.StatusForbidden)
				return
			}
		} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "kxrun ui: method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

func (s *Server) tokenOK(r *http.Request) bool {
	if c, err := r.Cookie(tokenCookie); err == nil && equal(c.Value, s.opts.Token) {
		return true
	}
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && equal(auth, s.opts.Token) {
		return true
	}
	return false
}

// checkPost lets a change through only when edits are allowed and the
// form carries this process's CSRF token, from a page of this origin.
func (s *Server) checkPost(r *http.Request) error {
	if !s.opts.AllowEdit {
		return errors.New("read-only: start kxrun ui with --allow-edit to record LB scores, archive runs or edit notes")
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return fmt.Errorf("refused: a form from another site (%s)", quote(o))
		}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("unreadable form: %v", err)
	}
	if !equal(r.PostForm.Get("csrf"), s.csrf) {
		return errors.New("refused: the form has no valid CSRF token (reload the page: the token changes each time kxrun ui starts)")
	}
	return nil
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func quote(s string) string { return fmt.Sprintf("%q", s) }

func randomToken() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// follow keeps the state up to date until ctx ends.
func (s *Server) follow(ctx context.Context) {
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = s.state.refresh() // the error is shown on every page
			s.refreshStatus()
		}
	}
}

// IsLoopback reports whether host (a name or an IP) is this machine only.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

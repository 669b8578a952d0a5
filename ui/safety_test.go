package ui

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kxrun/kxrun/tracker"
)

// request sends one GET with the given Host header.
func request(t *testing.T, ts interface{ Client() *http.Client }, base, path, host string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if host != "" {
		req.Host = host
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestHostHeader(t *testing.T) {
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{})
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	for _, tc := range []struct {
		host string
		code int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LOCALHOST:" + port, 200},
		{"evil.example:" + port, http.StatusMisdirectedRequest}, // DNS rebinding
		{"127.0.0.1:1", http.StatusMisdirectedRequest},
		{"127.0.0.1", http.StatusMisdirectedRequest},
		{"10.0.0.1:" + port, http.StatusMisdirectedRequest},
	} {
		t.Run(tc.host, func(t *testing.T) {
			if resp := request(t, ts, ts.URL, "/", tc.host); resp.StatusCode != tc.code {
				t.Errorf("Host %s: %d, want %d", tc.host, resp.StatusCode, tc.code)
			}
		})
	}
	// Every path is refused, files and events included.
	for _, p := range []string{"/static/app.js", "/events", "/run/run_001/artifact/oof", "/leaderboard/cv_lb.svg"} {
		if resp := request(t, ts, ts.URL, p, "evil.example:"+port); resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("%s with a foreign Host: %d", p, resp.StatusCode)
		}
	}
}

func TestUnspecifiedBind(t *testing.T) {
	s := &Server{hosts: map[string]bool{}}
	s.Bind(&net.TCPAddr{IP: net.IPv4zero, Port: 8765}, "0.0.0.0:8765")
	for host, ok := range map[string]bool{"192.168.1.5:8765": true, "[::1]:8765": true, "localhost:8765": true,
		"evil.example:8765": false, "192.168.1.5:80": false} {
		if got := s.hostAllowed(host); got != ok {
			t.Errorf("%s: %v, want %v", host, got, ok)
		}
	}
}

func TestToken(t *testing.T) {
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{Token: "s3cret"})
	host := ts.Listener.Addr().String()
	if resp := request(t, ts, ts.URL, "/", host); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	if resp := request(t, ts, ts.URL, "/?token=wrong", host); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	if resp := request(t, ts, ts.URL, "/static/style.css", host); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("asset without a token: %d", resp.StatusCode)
	}
	resp := request(t, ts, ts.URL, "/?plan=abl&token=s3cret", host)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?plan=abl" {
		t.Fatalf("token in the URL: %d to %q, want a redirect to the same page without it", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == tokenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v", cookie)
	}
	if resp := request(t, ts, ts.URL, "/?plan=abl", host, cookie); resp.StatusCode != 200 {
		t.Errorf("with the cookie: %d", resp.StatusCode)
	}
	if resp := request(t, ts, ts.URL, "/", host, &http.Cookie{Name: tokenCookie, Value: "s3cre"}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong cookie: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/sweeps", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	if r2, err := ts.Client().Do(req); err != nil || r2.StatusCode != 200 {
		t.Errorf("bearer token: %v %v", err, r2)
	}
}

// Serve generates a token for a non-loopback address and prints it in
// the URL; on loopback it needs none, and the URL works as printed.
func TestServe(t *testing.T) {
	tr := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, tr, Options{Addr: "127.0.0.1:0"}, out) }()
	link := waitURL(t, out)
	resp, err := http.Get(link)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", link, err, resp)
	}
	resp.Body.Close()
	if strings.Contains(link, "token") {
		t.Errorf("loopback URL %s has a token", link)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	// A token given on loopback is required.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	out = &syncBuffer{}
	go func() { done <- Serve(ctx, tr, Options{Addr: "127.0.0.1:0", Token: "tok"}, out) }()
	link = waitURL(t, out)
	if !strings.HasSuffix(link, "/?token=tok") {
		t.Errorf("URL %s", link)
	}
	u, _ := url.Parse(link)
	if resp, err := http.Get("http://" + u.Host + "/"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %v %v", err, resp)
	}
	if err := Serve(context.Background(), tr, Options{Addr: "nonsense"}, io.Discard); err == nil {
		t.Error("a bad --addr was accepted")
	}
}

func TestNonLoopbackNeedsToken(t *testing.T) {
	for host, loop := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.5.0.1": true,
		"0.0.0.0": false, "": false, "192.168.1.2": false, "example.com": false} {
		if IsLoopback(host) != loop {
			t.Errorf("IsLoopback(%q) = %v", host, !loop)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitURL(t *testing.T, out *syncBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`at (http://\S+)`)
	for range 200 {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no URL printed: %q", out.String())
	return ""
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func TestEdits(t *testing.T) {
	tr := fixture(t)
	id := readRows(t, tr)[0].RunID
	t.Run("read-only", func(t *testing.T) {
		_, ts := newTestServer(t, tr, Options{})
		body := mustGet(t, ts, "/run/"+id)
		if strings.Contains(body, "<form method=\"post\"") {
			t.Error("a read-only dashboard shows edit forms")
		}
		if code, msg := post(t, ts, "/run/"+id+"/lb", url.Values{"score": {"0.5"}}, nil); code != http.StatusForbidden || !strings.Contains(msg, "--allow-edit") {
			t.Errorf("POST on a read-only dashboard: %d %s", code, msg)
		}
	})
	_, ts := newTestServer(t, tr, Options{AllowEdit: true})
	m := csrfRE.FindStringSubmatch(mustGet(t, ts, "/run/"+id))
	if m == nil {
		t.Fatal("no CSRF token in the edit forms")
	}
	token := m[1]
	wrong := []byte(token)
	wrong[0] ^= 1 // another hex digit
	for _, tc := range []struct {
		name   string
		form   url.Values
		header map[string]string
	}{
		{"no token", url.Values{"score": {"0.5"}}, nil},
		{"wrong token", url.Values{"score": {"0.5"}, "csrf": {string(wrong)}}, nil},
		{"foreign origin", url.Values{"score": {"0.5"}, "csrf": {token}}, map[string]string{"Origin": "http://evil.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, msg := post(t, ts, "/run/"+id+"/lb", tc.form, tc.header); code != http.StatusForbidden {
				t.Errorf("%d %s", code, msg)
			}
			if r := readRows(t, tr)[0]; r.LBScore != nil && *r.LBScore == 0.5 {
				t.Error("the score was recorded")
			}
		})
	}
	t.Run("lb", func(t *testing.T) {
		code, _ := post(t, ts, "/run/"+id+"/lb", url.Values{"score": {"0.5"}, "csrf": {token}}, map[string]string{"Origin": ts.URL})
		if code != http.StatusSeeOther {
			t.Fatalf("%d", code)
		}
		r := readRows(t, tr)[0]
		rec, _ := tr.Details(id)
		if r.LBScore == nil || *r.LBScore != 0.5 || *r.CVLBGap != *r.CVScore-0.5 || *rec.LBScore != 0.5 {
			t.Errorf("runs.csv LB %v gap %v, details %v", r.LBScore, r.CVLBGap, rec.LBScore)
		}
		// The page shows it at once (the state was refreshed).
		if cells := cells(t, mustGet(t, ts, "/?archived=1&sort=id&desc=0"), "runs"); cells[0][8] != "0.50000" {
			t.Errorf("LB shown %q", cells[0][8])
		}
		if code, _ := post(t, ts, "/run/"+id+"/lb", url.Values{"score": {"NaN"}, "csrf": {token}}, nil); code != http.StatusBadRequest {
			t.Errorf("NaN score: %d", code)
		}
		post(t, ts, "/run/"+id+"/lb", url.Values{"score": {""}, "csrf": {token}}, nil)
		if r := readRows(t, tr)[0]; r.LBScore != nil {
			t.Error("an empty score did not clear it")
		}
	})
	t.Run("archive", func(t *testing.T) {
		post(t, ts, "/run/"+id+"/archive", url.Values{"archived": {"1"}, "csrf": {token}}, nil)
		if !readRows(t, tr)[0].Archived {
			t.Fatal("not archived")
		}
		if strings.Contains(mustGet(t, ts, "/"), `data-run="`+id+`"`) {
			t.Error("an archived run is listed by default")
		}
		post(t, ts, "/run/"+id+"/archive", url.Values{"archived": {"0"}, "csrf": {token}}, nil)
		if readRows(t, tr)[0].Archived {
			t.Error("not unarchived")
		}
	})
	t.Run("notes", func(t *testing.T) {
		note := "line one\r\n" + hostile + `, "quoted"`
		post(t, ts, "/run/"+id+"/notes", url.Values{"notes": {note}, "csrf": {token}}, nil)
		want := strings.ReplaceAll(note, "\r\n", "\n")
		rec, _ := tr.Details(id)
		if got := readRows(t, tr)[0].Notes; got != want || rec.Notes != want {
			t.Errorf("notes %q, details %q, want %q", got, rec.Notes, want)
		}
	})
	if code, _ := post(t, ts, "/run/run_999/notes", url.Values{"notes": {"x"}, "csrf": {token}}, nil); code != http.StatusNotFound {
		t.Errorf("unknown run: %d", code)
	}
}

func TestEscaping(t *testing.T) {
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{AllowEdit: true})
	rows := readRows(t, tr)
	i, _ := tracker.Find(rows, "evil_"+hostile)
	for _, p := range []string{"/", "/?group=config", "/?group=model", "/run/" + rows[i].RunID, "/leaderboard", "/live",
		"/compare?run=" + rows[i].RunID + "&run=manual_1", "/?q=" + url.QueryEscape(hostile)} {
		body := mustGet(t, ts, p)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>m</b>") {
			t.Errorf("%s: unescaped markup", p)
		}
		if p != "/leaderboard" && !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") && !strings.Contains(body, "&lt;b&gt;m&lt;/b&gt;") {
			t.Errorf("%s: the hostile text is not shown as text", p)
		}
	}
	resp := request(t, ts, ts.URL, "/", "")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
}

func TestTraversal(t *testing.T) {
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{})
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("SECRET"), 0o644)
	os.Symlink(outside, filepath.Join(tr.Dir, "artifacts", "link.npy"))
	id := readRows(t, tr)[0].RunID
	rec, _ := tr.Details(id)
	rel, _ := filepath.Rel(tr.Dir, outside)
	rec.Artifacts = map[string]*tracker.Artifact{
		"up":   {Path: rel},
		"abs":  {Path: outside},
		"link": {Path: "artifacts/link.npy"},
		"dir":  {Path: "artifacts"},
		"csv":  {Path: "runs.csv"},
	}
	rec.Log = "../../../../etc/passwd"
	writeJSONFile(t, detailsPath(tr, id), rec)
	for _, p := range []string{"/run/" + id + "/artifact/up", "/run/" + id + "/artifact/abs", "/run/" + id + "/artifact/link",
		"/run/" + id + "/artifact/dir", "/run/" + id + "/log", "/run/" + id + "/artifact/none",
		"/static/../runs.csv", "/static/..%2f..%2fruns.csv", "/static/%2e%2e/%2e%2e/etc/passwd", "/run/..%2f..%2fetc%2fpasswd"} {
		code, body := get(t, ts, p)
		if code == 200 || strings.Contains(body, "SECRET") || strings.Contains(body, "root:") {
			t.Errorf("%s: %d %.60q", p, code, body)
		}
	}
	// A file of the tracker that the record names is served.
	if code, body := get(t, ts, "/run/"+id+"/artifact/csv"); code != 200 || !strings.HasPrefix(body, "run_id,") {
		t.Errorf("runs.csv as an artifact: %d", code)
	}
	if code, _ := get(t, ts, "/run/"+id); code != 200 {
		t.Errorf("the run page fails with a bad log path: %d", code)
	}
}

func TestMethods(t *testing.T) {
	tr := fixture(t)
	_, ts := newTestServer(t, tr, Options{AllowEdit: true})
	for _, m := range []string{"PUT", "DELETE", "PATCH"} {
		req, _ := http.NewRequest(m, ts.URL+"/run/run_001/notes", nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, resp.StatusCode)
		}
	}
}

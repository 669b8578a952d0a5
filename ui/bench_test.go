package ui

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kxrun/kxrun/tracker"
)

// The benchmarks serve the tracker named by KXRUN_UI_TRACKER; bench/ui.sh
// makes a 100,000-run one with bench/fill and runs them:
//
//	KXRUN_UI_TRACKER=/tmp/t go test -run XXX -bench . -benchtime 20x ./ui

// benchTracker opens the tracker the benchmarks serve.
func benchTracker(b *testing.B) *tracker.Tracker {
	b.Helper()
	dir := os.Getenv("KXRUN_UI_TRACKER")
	if dir == "" {
		b.Skip("set KXRUN_UI_TRACKER to a tracker directory (bench/ui.sh makes a 100,000-run one)")
	}
	tr, err := tracker.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

func benchServer(b *testing.B) *Server {
	b.Helper()
	s, err := New(benchTracker(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	s.Bind(&netAddr, "127.0.0.1:8765")
	b.ReportMetric(float64(len(s.state.snapshot().rows)), "runs")
	return s
}

var netAddr = net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8765}

// BenchmarkOpen is the one full read of runs.csv, when the server starts.
func BenchmarkOpen(b *testing.B) {
	tr := benchTracker(b)
	for b.Loop() {
		s, err := New(tr, Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// Server time of each page: the handler, from request to the last byte.
func BenchmarkPages(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	id := s.state.snapshot().rows[len(s.state.snapshot().rows)/2].RunID
	for _, tc := range []struct{ name, path string }{
		{"runs", "/"},
		{"runs-page500", "/?page=500"},
		{"runs-sort-cv", "/?sort=cv&desc=1"},
		{"runs-text-status", "/?q=tuned&status=ok"},
		{"runs-plan", "/?plan=comp_v2"},
		{"group-config", "/?group=config"},
		{"group-variant", "/?group=variant"},
		{"group-plan-by-cv", "/?group=plan&sort=cv&desc=1"},
		{"group-model", "/?group=model"},
		{"run", "/run/" + id},
		{"sweeps", "/sweeps"},
		{"leaderboard", "/leaderboard"},
		{"live", "/live"},
	} {
		p := tc.path
		b.Run(tc.name, func(b *testing.B) {
			serve := func() {
				req := httptest.NewRequest("GET", p, nil)
				req.Host = "127.0.0.1:8765"
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", p, w.Code, w.Body)
				}
			}
			serve() // caches (filter values) filled once, as after the first view
			for b.Loop() {
				serve()
			}
		})
	}
}

// BenchmarkFollow is the cost of noticing one appended run.
func BenchmarkFollow(b *testing.B) {
	s := benchServer(b)
	for b.Loop() {
		if err := s.Refresh(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChromiumLoad times, in headless Chromium, from navigation
// start to the load event of the runs page and of a group-by.
func BenchmarkChromiumLoad(b *testing.B) {
	exe := chromiumPath
	if _, err := os.Stat(exe); err != nil {
		b.Skip("no Chromium: apt-get install chromium")
	}
	s := benchServer(b)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	s.Bind(ts.Listener.Addr(), ts.Listener.Addr().String())
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(b.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, path string }{{"runs", "/"}, {"group-config", "/?group=config"}, {"leaderboard", "/leaderboard"}} {
		p := tc.path
		b.Run(tc.name, func(b *testing.B) {
			var total float64
			n := 0
			for b.Loop() {
				if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+p)); err != nil {
					b.Fatal(err)
				}
				ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => { const e = performance.getEntriesByType("navigation")[0]; return e.loadEventEnd - e.startTime; })()`))
				if err != nil {
					b.Fatal(err)
				}
				total += ms
				n++
			}
			b.ReportMetric(total/float64(n), "load-ms")
		})
	}
}

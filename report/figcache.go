package report

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"os"
	"strconv"
	"sync"

	"github.com/kxrun/kxrun/plots"
	"github.com/kxrun/kxrun/tracker"
)

// Drawing the figures of a long history is the largest part of a report,
// and most reports show the same figures as the last one (the same day,
// no new ok run). A figure is drawn again only when what it shows, or the
// program that draws it, changed: its key, a hash of both, is kept by the
// tracker beside its files.

// historyKey and lbKey identify the data of the two figures.
func historyKey(points []plots.HistoryPoint, direction string) string {
	h := newKeyHash("cv_history", direction)
	var b [16]byte
	for _, p := range points {
		binary.LittleEndian.PutUint64(b[:8], uint64(p.Number))
		binary.LittleEndian.PutUint64(b[8:], math.Float64bits(p.CV))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func lbKey(points []plots.LBPoint, pearson float64) string {
	h := newKeyHash("cv_lb", strconv.FormatUint(math.Float64bits(pearson), 16))
	var b [16]byte
	for _, p := range points {
		h.Write([]byte(p.RunID))
		binary.LittleEndian.PutUint64(b[:8], math.Float64bits(p.CV))
		binary.LittleEndian.PutUint64(b[8:], math.Float64bits(p.LB))
		h.Write([]byte{0})
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func newKeyHash(kind, extra string) hash.Hash {
	h := sha256.New()
	h.Write([]byte(kind + "\x00" + extra + "\x00" + drawer() + "\x00"))
	return h
}

// drawer identifies this kxrun executable (its size and time), so that a
// new build draws the figures again.
var drawer = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return exe + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
})

// upToDate reports whether png and svg exist and were drawn for key.
func upToDate(tr *tracker.Tracker, png, svg, key string) bool {
	if tr.FigureKey(png) != key {
		return false
	}
	for _, p := range []string{png, svg} {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

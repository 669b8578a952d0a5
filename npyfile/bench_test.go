package npyfile

import (
	"bufio"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkInspect80MB measures Inspect on a realistic large prediction
// file: 10M float64 values. b.Loop runs the setup once.
func BenchmarkInspect80MB(b *testing.B) {
	const n = 10_000_000
	path := filepath.Join(b.TempDir(), "big.npy")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.Write(npyBytes(1, hdr("<f8", "(10000000,)"), nil))
	var buf [8]byte
	for i := range n {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(float64(i)*0.001))
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(path); err != nil {
			b.Fatal(err)
		}
	}
}

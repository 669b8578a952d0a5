package npyfile

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// bigN is a realistic large prediction array: 10M values, 80 MB as float64.
const bigN = 10_000_000

// writeBig writes a 1-D array of bigN values of the given descr ("<f8",
// "<f4") or, with fortran set, the same values as a (bigN/2, 2) Fortran
// array, and returns its path and size.
func writeBig(b *testing.B, descr string, fortran bool) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "big.npy")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	text := hdr(descr, "(10000000,)")
	if fortran {
		text = "{'descr': '" + descr + "', 'fortran_order': True, 'shape': (5000000, 2), }\n"
	}
	w.Write(npyBytes(1, text, nil))
	var buf [8]byte
	for i := range bigN {
		v := float64(i) * 0.001
		if descr == "<f4" {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(float32(v)))
			w.Write(buf[:4])
			continue
		}
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
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
	return path, fi.Size()
}

// BenchmarkInspect80MB measures Inspect on a realistic large prediction
// file: 10M float64 values. b.Loop runs the setup once.
func BenchmarkInspect80MB(b *testing.B) {
	path, size := writeBig(b, "<f8", false)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspect80MBWithoutHash is what Inspect would cost if it did not
// hash: the same open, header validation and read of every byte. The
// difference with BenchmarkInspect80MB is the price of the sha256.
func BenchmarkInspect80MBWithoutHash(b *testing.B) {
	path, size := writeBig(b, "<f8", false)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		f, size, err := openRegular(path)
		if err != nil {
			b.Fatal(err)
		}
		_, _, want, err := validate(path, f, size)
		if err != nil {
			b.Fatal(err)
		}
		// A writer without ReadFrom, so that the buffer is Inspect's.
		n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, io.LimitReader(f, want+1), make([]byte, copyBufSize))
		if err != nil || n != want {
			b.Fatal(n, err)
		}
		f.Close()
	}
}

// BenchmarkReadFloat64 is what compare does with each OOF array: validate
// it and decode it into float64 in C order. The throughput is over the
// file's bytes.
func BenchmarkReadFloat64(b *testing.B) {
	for _, c := range []struct {
		name    string
		descr   string
		fortran bool
	}{
		{"f8_80MB", "<f8", false},
		{"f4_40MB", "<f4", false},
		{"f8_fortran_80MB", "<f8", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			path, size := writeBig(b, c.descr, c.fortran)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ReadFloat64(path, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Package npytest writes .npy fixtures for tests and benchmarks: float64
// vectors in numpy's own layout (format 1.0, little-endian, C order, the
// header padded to 64 bytes). It is written separately from npyfile on
// purpose, so that what kxrun reads is checked against a writer that is not
// the code under test. Tests of malformed headers build their own bytes.
package npytest

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// Header returns the header of a float64 vector of n values: the magic,
// version, length field and the padded dict, as numpy.save writes it.
func Header(n int) []byte {
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }", n)
	// The 10-byte preamble, the dict and its final newline fill a multiple
	// of 64 bytes.
	dict += strings.Repeat(" ", 63-(10+len(dict))%64) + "\n"
	h := []byte("\x93NUMPY\x01\x00")
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)))
	return append(h, dict...)
}

// Float64 returns the bytes of a .npy file holding values as a vector.
func Float64(values []float64) []byte {
	b := Header(len(values))
	for _, v := range values {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// WriteFloat64 writes values to path as a float64 .npy vector. It writes a
// temporary file and renames it into place, so that a reader (kxrun
// collecting a trainer's array) never sees a partial file.
func WriteFloat64(path string, values []float64) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, Float64(values), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteHeader writes only the header of a float64 vector of n values to
// path, a file whose data is missing, and returns the header's length.
func WriteHeader(path string, n int) (int64, error) {
	h := Header(n)
	return int64(len(h)), os.WriteFile(path, h, 0o644)
}

// Write is WriteFloat64 for a test: it stops the test if the file cannot
// be written.
func Write(t testing.TB, path string, values []float64) {
	t.Helper()
	if err := WriteFloat64(path, values); err != nil {
		t.Fatal(err)
	}
}

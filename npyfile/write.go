package npyfile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"
)

// WriteFloat64 writes values as a little-endian float64 .npy file (format
// 1.0, C order) of the given shape, creating path with O_EXCL and syncing
// it: kxrun's own arrays (a blend's predictions) are written like this and
// then renamed into place by the tracker.
func WriteFloat64(path string, values []float64, shape []int) (err error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(values) {
		return fmt.Errorf("write %s: %d values for shape %v", path, len(values), shape)
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", formatShape(shape))
	// The header, with its 10-byte preamble and the final newline, is
	// padded to a multiple of 64 bytes, as numpy pads it.
	header += strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(path)
		}
	}()
	w := bufio.NewWriterSize(f, copyBufSize)
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(header)))
	w.WriteString(header)
	var b [8]byte
	for _, v := range values {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		w.Write(b[:])
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

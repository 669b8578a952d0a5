package npyfile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// ReadFloat64 validates path like Inspect and returns its values as
// float64 in C (row-major) order, whatever the file's dtype, byte order or
// memory order, so that two arrays of the same shape can be compared
// element by element. Files with more than maxElems elements are refused
// (0: no limit) to bound memory.
func ReadFloat64(path string, maxElems int64) ([]float64, Info, error) {
	info, err := Inspect(path)
	if err != nil {
		return nil, info, err
	}
	n := int64(1)
	for _, d := range info.Shape {
		n *= int64(d)
	}
	if maxElems > 0 && n > maxElems {
		return nil, info, &Error{path, fmt.Sprintf("%d elements is more than the %d this command reads", n, maxElems)}
	}
	dt, err := parseDescr(info.Descr)
	if err != nil {
		return nil, info, asError(path, err)
	}
	f, _, err := openRegular(path)
	if err != nil {
		return nil, info, err
	}
	defer f.Close()
	if _, err := f.Seek(info.HeaderLen, io.SeekStart); err != nil {
		return nil, info, err
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if info.Descr[0] == '>' {
		order = binary.BigEndian
	}
	kind := info.Descr[0]
	if kind == '<' || kind == '>' || kind == '|' || kind == '=' {
		kind = info.Descr[1]
	}
	r := bufio.NewReaderSize(f, copyBufSize)
	buf := make([]byte, dt.itemsize)
	out := make([]float64, n)
	for i := range out {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, info, &Error{path, fmt.Sprintf("file changed while being read: %v", err)}
		}
		out[i] = decode(kind, buf, order)
	}
	if info.FortranOrder && len(info.Shape) > 1 {
		out = fortranToC(out, info.Shape)
	}
	return out, info, nil
}

func decode(kind byte, b []byte, order binary.ByteOrder) float64 {
	switch kind {
	case 'b':
		if b[0] != 0 {
			return 1
		}
		return 0
	case 'i':
		switch len(b) {
		case 1:
			return float64(int8(b[0]))
		case 2:
			return float64(int16(order.Uint16(b)))
		case 4:
			return float64(int32(order.Uint32(b)))
		default:
			return float64(int64(order.Uint64(b)))
		}
	case 'u':
		switch len(b) {
		case 1:
			return float64(b[0])
		case 2:
			return float64(order.Uint16(b))
		case 4:
			return float64(order.Uint32(b))
		default:
			return float64(order.Uint64(b))
		}
	}
	switch len(b) {
	case 2:
		return halfToFloat(order.Uint16(b))
	case 4:
		return float64(math.Float32frombits(order.Uint32(b)))
	}
	return math.Float64frombits(order.Uint64(b))
}

// halfToFloat converts an IEEE 754 binary16 value.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * frac / 1024 * math.Pow(2, -14)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}

// fortranToC reorders column-major values of the given shape into
// row-major order.
func fortranToC(vals []float64, shape []int) []float64 {
	out := make([]float64, len(vals))
	idx := make([]int, len(shape))
	for c := range out {
		// idx is the multi-index of C position c; its Fortran offset has
		// the first axis varying fastest.
		off, stride := 0, 1
		for k := range shape {
			off += idx[k] * stride
			stride *= shape[k]
		}
		out[c] = vals[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

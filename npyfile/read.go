package npyfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ReadFloat64 validates path like Inspect and returns its values as
// float64 in C (row-major) order, whatever the file's dtype, byte order or
// memory order, so that two arrays of the same shape can be compared
// element by element. Files with more than maxElems elements are refused
// (0: no limit) to bound memory.
//
// The file is read once, and not hashed: Info.SHA256 is empty. Its reader
// (compare) has no use for the hash, which would cost more than reading
// and decoding together; Inspect gives it.
func ReadFloat64(path string, maxElems int64) ([]float64, Info, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, Info{}, err
	}
	defer f.Close()
	info, hdr, want, err := validate(path, f, size)
	if err != nil {
		return nil, Info{}, err
	}
	n := want / hdr.itemsize
	if maxElems > 0 && n > maxElems {
		return nil, info, &Error{path, fmt.Sprintf("%d elements is more than the %d this command reads", n, maxElems)}
	}
	dec := decoderFor(hdr.descr, int(hdr.itemsize))
	out := make([]float64, n)
	// Values arrive in file order; a Fortran array's are scattered to their
	// C positions chunk by chunk rather than reordered afterwards, which
	// would take a second array and a second pass.
	var scatter *fortranScatter
	var tmp []float64
	if hdr.fortran && len(hdr.shape) > 1 && n > 0 {
		scatter = newFortranScatter(out, hdr.shape)
	}
	// A multiple of every item size, so no item straddles two chunks.
	buf := make([]byte, min(int64(copyBufSize), want))
	itemsPerBuf := len(buf) / int(hdr.itemsize)
	if scatter != nil {
		tmp = make([]float64, itemsPerBuf)
	}
	for done := int64(0); done < n; {
		k := int(min(int64(itemsPerBuf), n-done))
		chunk := buf[:k*int(hdr.itemsize)]
		if _, err := io.ReadFull(f, chunk); err != nil {
			return nil, info, readErr(path, err)
		}
		if scatter != nil {
			dec(tmp[:k], chunk)
			scatter.put(tmp[:k])
		} else {
			dec(out[done:done+int64(k)], chunk)
		}
		done += int64(k)
	}
	// A file that grew since the stat is noticed, as Inspect notices it.
	var one [1]byte
	if m, _ := f.Read(one[:]); m > 0 {
		return nil, info, &Error{path, fmt.Sprintf("file changed size while being read (expected %d data bytes, found more)", want)}
	}
	return out, info, nil
}

func readErr(path string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &Error{path, "file changed size while being read (it is shorter than when validated)"}
	}
	return err
}

// decoderFor returns a function converting len(dst) items of the validated
// descr from src. The float dtypes predictions are saved in have loops of
// their own (the byte order is a constant there, so each load is one
// instruction); the rest go item by item through decode.
func decoderFor(descr string, itemsize int) func(dst []float64, src []byte) {
	big := descr[0] == '>'
	kind := descr[0]
	if kind == '<' || kind == '>' || kind == '|' || kind == '=' {
		kind = descr[1]
	}
	switch {
	case kind == 'f' && itemsize == 8 && !big:
		return func(dst []float64, src []byte) {
			src = src[:8*len(dst)]
			for i := range dst {
				dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
			}
		}
	case kind == 'f' && itemsize == 8:
		return func(dst []float64, src []byte) {
			src = src[:8*len(dst)]
			for i := range dst {
				dst[i] = math.Float64frombits(binary.BigEndian.Uint64(src[8*i:]))
			}
		}
	case kind == 'f' && itemsize == 4 && !big:
		return func(dst []float64, src []byte) {
			src = src[:4*len(dst)]
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:])))
			}
		}
	case kind == 'f' && itemsize == 4:
		return func(dst []float64, src []byte) {
			src = src[:4*len(dst)]
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(src[4*i:])))
			}
		}
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if big {
		order = binary.BigEndian
	}
	return func(dst []float64, src []byte) {
		for i := range dst {
			dst[i] = decode(kind, src[i*itemsize:(i+1)*itemsize], order)
		}
	}
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

// fortranScatter puts values arriving in Fortran (column-major) order at
// their C (row-major) positions in out. The shape has no zero dimension.
type fortranScatter struct {
	out    []float64
	shape  []int
	stride []int // C stride of each axis, in elements
	idx    []int // multi-index of the next value
	off    int   // its C offset
}

func newFortranScatter(out []float64, shape []int) *fortranScatter {
	s := &fortranScatter{out: out, shape: shape, stride: make([]int, len(shape)), idx: make([]int, len(shape))}
	st := 1
	for k := len(shape) - 1; k >= 0; k-- {
		s.stride[k] = st
		st *= shape[k]
	}
	return s
}

func (s *fortranScatter) put(vals []float64) {
	for len(vals) > 0 {
		// The first axis varies fastest in the file: a run along it is one
		// strided line of out.
		m := min(s.shape[0]-s.idx[0], len(vals))
		off, st := s.off, s.stride[0]
		for _, v := range vals[:m] {
			s.out[off] = v
			off += st
		}
		vals = vals[m:]
		s.idx[0] += m
		s.off = off
		if s.idx[0] < s.shape[0] {
			return // vals is used up mid-line
		}
		// Carry into the next axes like an odometer.
		s.idx[0] = 0
		s.off -= s.shape[0] * st
		for k := 1; k < len(s.shape); k++ {
			s.idx[k]++
			s.off += s.stride[k]
			if s.idx[k] < s.shape[k] {
				break
			}
			s.idx[k] = 0
			s.off -= s.shape[k] * s.stride[k]
		}
	}
}

package npyfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// magic is the fixed start of every .npy file.
const magic = "\x93NUMPY"

// maxHeaderLen caps the header length field. numpy's own default read limit
// is 10000 bytes; 1 MiB leaves room for odd writers while ensuring a hostile
// length field cannot make Inspect allocate much.
const maxHeaderLen = 1 << 20

// maxDims matches numpy 2's NPY_MAXDIMS; more dimensions than that cannot
// have been written by numpy.
const maxDims = 64

// reasonError carries a content problem up to Inspect, which attaches the
// path. It is distinct from I/O errors, which are returned as they are.
type reasonError string

func (r reasonError) Error() string { return string(r) }

func reasonf(format string, args ...any) error {
	return reasonError(fmt.Sprintf(format, args...))
}

// header is the validated content of the header dict.
type header struct {
	descr    string
	dtype    string
	itemsize int64
	fortran  bool
	shape    []int
}

// dtypeInfo is what the accepted dtypes need: numpy's name and item size.
type dtypeInfo struct {
	name     string
	itemsize int64
}

// parseHeaderDict validates the header text (everything after the length
// field) for format major version major.
func parseHeaderDict(text []byte, major byte) (header, error) {
	if major >= 3 && !utf8.Valid(text) {
		return header{}, reasonf("malformed header: not valid UTF-8")
	}
	// Format 1.0/2.0 headers are latin-1; every byte that matters (keys,
	// descr, numbers) is ASCII, so the bytes can be parsed as they are.
	v, err := parsePyLiteral(string(text), major < 3)
	if err != nil {
		return header{}, reasonf("malformed header: %v", err)
	}
	if v.kind != pyDict {
		return header{}, reasonf("malformed header: %s, not a dict", v.kind.article())
	}

	var descr, fortran, shape *pyValue
	for i := range v.keys {
		k := v.keys[i]
		if k.kind != pyStr {
			return header{}, reasonf("malformed header: dict key is %s", k.kind.article())
		}
		var slot **pyValue
		switch k.str {
		case "descr":
			slot = &descr
		case "fortran_order":
			slot = &fortran
		case "shape":
			slot = &shape
		default:
			return header{}, reasonf("malformed header: unexpected key %s", pyQuote(k.str))
		}
		if *slot != nil {
			// Python would silently keep the last one; a writer that
			// repeats a key is broken, so refuse to pick one.
			return header{}, reasonf("malformed header: duplicate key %s", pyQuote(k.str))
		}
		*slot = &v.vals[i]
	}
	switch {
	case descr == nil:
		return header{}, reasonf("malformed header: missing 'descr'")
	case fortran == nil:
		return header{}, reasonf("malformed header: missing 'fortran_order'")
	case shape == nil:
		return header{}, reasonf("malformed header: missing 'shape'")
	}

	var h header
	switch descr.kind {
	case pyStr:
		dt, err := parseDescr(descr.str)
		if err != nil {
			return header{}, err
		}
		h.descr, h.dtype, h.itemsize = descr.str, dt.name, dt.itemsize
	case pyList:
		return header{}, reasonf("not a numeric array: structured dtype (list descr)")
	default:
		return header{}, reasonf("malformed header: 'descr' is %s", descr.kind.article())
	}

	if fortran.kind != pyBool {
		return header{}, reasonf("malformed header: 'fortran_order' is %s, not True/False", fortran.kind.article())
	}
	h.fortran = fortran.b

	if shape.kind != pyTuple {
		return header{}, reasonf("malformed header: 'shape' is %s, not a tuple", shape.kind.article())
	}
	if len(shape.items) > maxDims {
		return header{}, reasonf("bad shape: %d dimensions, more than numpy's %d", len(shape.items), maxDims)
	}
	h.shape = make([]int, 0, len(shape.items))
	for _, d := range shape.items {
		// numpy would take True as 1; no real writer does that, so a bool
		// here means a broken header.
		if d.kind != pyInt {
			return header{}, reasonf("bad shape: dimension is %s, not an int", d.kind.article())
		}
		n, err := strconv.ParseInt(d.str, 10, 64)
		if err != nil || n > math.MaxInt {
			return header{}, reasonf("bad shape: dimension %s overflows", truncateText(d.str, 30))
		}
		if n < 0 {
			return header{}, reasonf("bad shape: negative dimension %d", n)
		}
		h.shape = append(h.shape, int(n))
	}
	return h, nil
}

// dataBytes returns prod(shape)*itemsize, or an error if that cannot be
// represented. Zero dimensions are skipped in the overflow check's running
// product so that e.g. (0, 2**62, 2**62) is still caught, as numpy does.
func (h header) dataBytes() (int64, error) {
	n := h.itemsize
	empty := false
	for _, d := range h.shape {
		if d == 0 {
			empty = true
			continue
		}
		if n > math.MaxInt64/int64(d) {
			return 0, reasonf("bad shape: %s of %s overflows a 64-bit byte count", formatShape(h.shape), h.dtype)
		}
		n *= int64(d)
	}
	if empty {
		return 0, nil
	}
	return n, nil
}

// parseDescr accepts the plain numeric dtypes kxrun can use, in numpy's
// "<byteorder><kind><itemsize>" form (the only form numpy writes), and
// explains every rejection.
func parseDescr(descr string) (dtypeInfo, error) {
	s := descr
	if s != "" && strings.IndexByte("<>|=", s[0]) >= 0 {
		s = s[1:]
	}
	if s == "" {
		return dtypeInfo{}, reasonf("unsupported dtype descr %s", pyQuote(descr))
	}
	kind, size := s[0], s[1:]
	notNumeric := func(what string) error {
		return reasonf("not a numeric array: dtype %s (%s)", what, pyQuote(descr))
	}
	switch kind {
	case 'O':
		return dtypeInfo{}, notNumeric("object")
	case 'S', 'a':
		return dtypeInfo{}, notNumeric("byte string")
	case 'U':
		return dtypeInfo{}, notNumeric("unicode string")
	case 'V':
		return dtypeInfo{}, notNumeric("void/structured")
	case 'M':
		return dtypeInfo{}, notNumeric("datetime64")
	case 'm':
		return dtypeInfo{}, notNumeric("timedelta64")
	case 'c':
		return dtypeInfo{}, notNumeric("complex")
	case 'b':
		if size == "1" {
			return dtypeInfo{"bool", 1}, nil
		}
	case 'i', 'u':
		prefix := "int"
		if kind == 'u' {
			prefix = "uint"
		}
		switch size {
		case "1", "2", "4", "8":
			n := int64(size[0] - '0')
			return dtypeInfo{prefix + strconv.FormatInt(8*n, 10), n}, nil
		}
	case 'f':
		switch size {
		case "2", "4", "8":
			n := int64(size[0] - '0')
			return dtypeInfo{"float" + strconv.FormatInt(8*n, 10), n}, nil
		case "10", "12", "16":
			// x86 stores an 80-bit value padded to 12 or 16 bytes, other
			// platforms true quad precision: the bytes mean different things
			// depending on who wrote them.
			return dtypeInfo{}, reasonf("unsupported dtype: long double (%s) is platform-specific", pyQuote(descr))
		}
	}
	return dtypeInfo{}, reasonf("unsupported dtype descr %s", pyQuote(descr))
}

// pyQuote renders a header string in the single-quoted form numpy users
// recognise, escaping anything unprintable a hostile header might carry.
func pyQuote(s string) string {
	s = truncateText(s, 40)
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '\'' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return "'" + s + "'"
	}
	return strconv.QuoteToASCII(s)
}

// formatShape prints a shape the way Python prints a tuple.
func formatShape(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

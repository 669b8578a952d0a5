package npyfile

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// npyBytes assembles a .npy file from a header text, format major version
// and data, without any of the checks numpy would apply.
func npyBytes(major byte, text string, data []byte) []byte {
	b := []byte(magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(text)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(text)))
	}
	b = append(b, text...)
	return append(b, data...)
}

func hdr(descr, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n"
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantReason asserts that err is an *Error for path whose reason contains
// every one of parts.
func wantReason(t *testing.T, path string, err error, parts ...string) {
	t.Helper()
	var ne *Error
	if !errors.As(err, &ne) {
		t.Fatalf("got error %v (%T); want *Error", err, err)
	}
	if ne.Path != path {
		t.Errorf("Error.Path = %q, want %q", ne.Path, path)
	}
	for _, p := range parts {
		if !strings.Contains(ne.Reason, p) {
			t.Errorf("reason %q lacks %q", ne.Reason, p)
		}
	}
}

func TestHostile(t *testing.T) {
	f8 := func(n int) []byte { return make([]byte, 8*n) }
	long := func(n int) string { return strings.Repeat("(", n) + strings.Repeat(")", n) }
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty file", nil, []string{"not a .npy file (empty file)"}},
		{"bad magic", []byte("\x93NUMPZ\x01\x00\x00\x00"), []string{"not a .npy file (bad magic)"}},
		{"npz zip", []byte("PK\x03\x04 this is a zip"), []string{"bad magic"}},
		{"text file", []byte("0.1,0.2\n0.3,0.4\n"), []string{"bad magic"}},
		{"magic prefix only", []byte("\x93NUM"), []string{"only 4 bytes"}},
		{"no length field", []byte("\x93NUMPY\x01\x00"), []string{"truncated", "length field"}},
		{"half length field v2", []byte("\x93NUMPY\x02\x00\x10\x00"), []string{"truncated", "length field"}},
		{"version 4.0", npyBytes(4, hdr("<f8", "(1,)"), f8(1)), []string{"unsupported .npy format version 4.0"}},
		{"version 1.1", []byte("\x93NUMPY\x01\x01\x00\x00"), []string{"version 1.1"}},
		{"version 0.0", []byte("\x93NUMPY\x00\x00\x00\x00"), []string{"version 0.0"}},
		{"header longer than file", []byte("\x93NUMPY\x01\x00\xf4\x01{'descr':"), []string{"header length 500 runs past the end of the file (19 bytes)"}},
		{"header over limit", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{}"), []string{"header length 4294967295 exceeds the 1048576 byte limit"}},
		{"unterminated dict", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)\n", f8(1)), []string{"malformed header", "unterminated dict"}},
		{"unterminated string", npyBytes(1, "{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}", f8(1)), []string{"malformed header"}},
		{"empty header", npyBytes(1, "", nil), []string{"malformed header", "end of header"}},
		{"junk after dict", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x", f8(1)), []string{"after the dict"}},
		{"deep nesting", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "+long(100)+"}", nil), []string{"nesting deeper"}},
		{"many values", npyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': ("+strings.Repeat("1,", 1<<15)+")}", f8(1)), []string{"more than 16384 values"}},
		{"too many dims", npyBytes(1, hdr("<f8", "("+strings.Repeat("1,", 65)+")"), f8(1)), []string{"65 dimensions"}},
		{"invalid utf8 v3", npyBytes(3, "{'descr': '<f8\xff', 'fortran_order': False, 'shape': (1,)}", f8(1)), []string{"not valid UTF-8"}},
		{"long suffix in v3", npyBytes(3, hdr("<f8", "(1L,)"), f8(1)), []string{"malformed header"}},
		{"duplicate key", npyBytes(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", f8(1)), []string{"duplicate key 'descr'"}},
		{"missing shape", npyBytes(1, "{'descr': '<f8', 'fortran_order': False}", f8(1)), []string{"missing 'shape'"}},
		{"bool dim", npyBytes(1, hdr("<f8", "(True,)"), f8(1)), []string{"dimension is a bool"}},
		{"negative shape", npyBytes(1, hdr("<f8", "(-3,)"), f8(3)), []string{"negative dimension -3"}},
		{"overflowing shape", npyBytes(1, hdr("<f8", "(1099511627776, 1099511627776)"), f8(1)), []string{"overflows"}},
		{"overflow hidden by zero", npyBytes(1, hdr("<f8", "(0, 4611686018427387904, 4611686018427387904)"), nil), []string{"overflows"}},
		{"dim beyond int64", npyBytes(1, hdr("<f8", "(99999999999999999999,)"), f8(1)), []string{"dimension 99999999999999999999 overflows"}},
		{"size overflows with header", npyBytes(1, hdr("|u1", "(9223372036854775807,)"), nil), []string{"overflows a 64-bit file size"}},
		{"truncated data", npyBytes(1, hdr("<f8", "(100000,)"), make([]byte, 12)), []string{"truncated: header promises 800000 bytes of data, file has 12"}},
		{"2 GB shape on tiny file", npyBytes(1, hdr("<f8", "(268435456,)"), f8(1)), []string{"truncated: header promises 2147483648 bytes of data, file has 8"}},
		{"trailing garbage", npyBytes(1, hdr("<f8", "(2,)"), append(f8(2), "xyz"...)), []string{"trailing garbage: header promises 16 bytes of data, file has 19"}},
		{"scalar with no data", npyBytes(1, hdr("<f8", "()"), nil), []string{"truncated: header promises 8 bytes of data, file has 0"}},
		{"object", npyBytes(1, hdr("|O", "(1,)"), f8(1)), []string{"not a numeric array: dtype object ('|O')"}},
		{"list descr", npyBytes(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", f8(1)), []string{"structured dtype (list descr)"}},
		{"descr as int", npyBytes(1, "{'descr': 8, 'fortran_order': False, 'shape': (1,)}", f8(1)), []string{"'descr' is an int"}},
		{"odd int size", npyBytes(1, hdr("<i3", "(1,)"), f8(1)), []string{"unsupported dtype descr '<i3'"}},
		{"long double", npyBytes(1, hdr("<f16", "(1,)"), make([]byte, 16)), []string{"long double ('<f16') is platform-specific"}},
		{"dtype name", npyBytes(1, hdr("float64", "(1,)"), f8(1)), []string{"unsupported dtype descr 'float64'"}},
		{"byte order only", npyBytes(1, hdr("<", "(1,)"), f8(1)), []string{"unsupported dtype descr '<'"}},
		{"unprintable descr", npyBytes(1, hdr("<f\\x00", "(1,)"), f8(1)), []string{`unsupported dtype descr "<f\x00"`}},
		{"bool of size 2", npyBytes(1, hdr("<b2", "(1,)"), f8(1)), []string{"unsupported dtype descr '<b2'"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "x.npy", c.data)
			info, err := Inspect(path)
			if err == nil {
				t.Fatalf("Inspect accepted it: %+v", info)
			}
			wantReason(t, path, err, c.want...)
		})
	}
}

// TestAcceptedOddities covers valid spellings that the numpy corpus does not
// (numpy never writes them, but other writers may).
func TestAcceptedOddities(t *testing.T) {
	cases := []struct {
		name, text string
		data       []byte
		dtype      string
		shape      []int
	}{
		{"escape in descr", hdr(`\x3cf8`, "(1,)"), make([]byte, 8), "float64", []int{1}},
		{"u prefix", "{u'descr': u'<u2', u'fortran_order': False, u'shape': (3,)}", make([]byte, 6), "uint16", []int{3}},
		{"plus sign and underscores", hdr("|u1", "(+1_0,)"), make([]byte, 10), "uint8", []int{10}},
		{"zero dims", hdr("<f8", "(0, 5)"), nil, "float64", []int{0, 5}},
		{"scalar", hdr(">i8", "()"), make([]byte, 8), "int64", []int{}},
		{"big-endian bool", hdr(">b1", "(2,)"), []byte{0, 1}, "bool", []int{2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "x.npy", npyBytes(1, c.text, c.data))
			info, err := Inspect(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Dtype != c.dtype || formatShape(info.Shape) != formatShape(c.shape) || info.Shape == nil {
				t.Errorf("got dtype %s shape %v, want %s %v", info.Dtype, info.Shape, c.dtype, c.shape)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Path: "oof.npy", Reason: "not a numeric array: dtype object ('|O')"}
	if got, want := e.Error(), "oof.npy: not a numeric array: dtype object ('|O')"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNotExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.npy")
	_, err := Inspect(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestPermissionDenied(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("file modes do not deny access here (windows or root)")
	}
	path := writeFile(t, "x.npy", npyBytes(1, hdr("<f8", "(1,)"), make([]byte, 8)))
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Inspect(path)
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want fs.ErrPermission naming the path", err)
	}
}

func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Inspect(dir)
	wantReason(t, dir, err, "not a regular file (directory)")
}

// TestSparseLyingHeader: a huge sparse file whose header claims 16 bytes
// must be refused from the sizes alone, without reading 8 GiB of zeros.
func TestSparseLyingHeader(t *testing.T) {
	path := writeFile(t, "x.npy", npyBytes(1, hdr("<f8", "(2,)"), make([]byte, 16)))
	const huge = 8 << 30
	if err := os.Truncate(path, huge); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	_, err := Inspect(path)
	wantReason(t, path, err, "trailing garbage: header promises 16 bytes of data, file has ")
}

// TestBoundedMemory inspects a 64 MiB sparse but valid file and checks that
// the heap allocations stay small, i.e. the data is streamed.
func TestBoundedMemory(t *testing.T) {
	const n = 8 << 20 // float64 elements: 64 MiB
	text := hdr("<f8", "(8388608,)")
	path := writeFile(t, "x.npy", npyBytes(1, text, nil))
	size := int64(10 + len(text) + 8*n)
	if err := os.Truncate(path, size); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := Inspect(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size || len(info.Shape) != 1 || info.Shape[0] != n {
		t.Errorf("got %+v", info)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes", alloc)
	if alloc > 4<<20 {
		t.Errorf("Inspect of a %d MiB file allocated %d bytes; want streaming", size>>20, alloc)
	}
}

// TestHostileHeaderAllocation: the largest header the cap allows, filled
// with as many values as possible, must not cost much memory.
func TestHostileHeaderAllocation(t *testing.T) {
	text := "{'descr': '<f8', 'fortran_order': False, 'shape': (" + strings.Repeat("1,", maxHeaderLen/2-40)
	text += strings.Repeat(" ", maxHeaderLen-len(text))
	path := writeFile(t, "x.npy", npyBytes(2, text, nil))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Inspect(path)
	runtime.ReadMemStats(&after)
	wantReason(t, path, err, "more than 16384 values")
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes", alloc)
	if alloc > 16<<20 {
		t.Errorf("allocated %d bytes for a %d byte header", alloc, len(text))
	}
}

func TestSymlinkToFileFollowed(t *testing.T) {
	data := npyBytes(1, hdr("<i4", "(2,)"), make([]byte, 8))
	target := writeFile(t, "target.npy", data)
	link := filepath.Join(t.TempDir(), "link.npy")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	info, err := Inspect(link)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len(data)) || info.Dtype != "int32" {
		t.Errorf("got %+v", info)
	}
}

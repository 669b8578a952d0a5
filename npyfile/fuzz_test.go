package npyfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzInspect feeds arbitrary bytes through a real file, as Inspect only
// reads files. The seed corpus in testdata/fuzz/FuzzInspect comes from
// make_fixtures.py; a few hostile shapes are added here.
func FuzzInspect(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte(magic))
	f.Add(npyBytes(1, hdr("<f8", "(2,)"), make([]byte, 16)))
	f.Add(npyBytes(2, hdr(">i4", "(1, 2)"), make([]byte, 8)))
	f.Add(npyBytes(3, hdr("|b1", "()"), []byte{1}))
	f.Add(npyBytes(1, hdr("<f8", "(268435456,)"), make([]byte, 8)))
	f.Add(npyBytes(1, "{'descr': [('a', '<f8')], 'fortran_order': True, 'shape': (0,)}", nil))
	f.Add([]byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{"))

	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.npy")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		info, err := Inspect(path)
		if err != nil {
			// The file is regular and readable, so any failure is about
			// content and must say so as *Error.
			var ne *Error
			if !errors.As(err, &ne) || ne.Path != path || ne.Reason == "" {
				t.Fatalf("non-content error %v (%T)", err, err)
			}
			return
		}
		sum := sha256.Sum256(data)
		if info.Size != int64(len(data)) || info.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("size/sha wrong: %+v", info)
		}
		if info.Shape == nil || info.Dtype == "" {
			t.Fatalf("incomplete Info: %+v", info)
		}
		dt, err := parseDescr(info.Descr)
		if err != nil || dt.name != info.Dtype {
			t.Fatalf("accepted descr %q does not reparse: %v", info.Descr, err)
		}
		n := dt.itemsize
		for _, d := range info.Shape {
			n *= int64(d)
		}
		if info.HeaderLen+n != info.Size {
			t.Fatalf("size rule broken: header %d + data %d != size %d", info.HeaderLen, n, info.Size)
		}
	})
}

// FuzzHeaderDict drives the header parser in memory, where it runs far more
// executions per second than FuzzInspect's file round trip.
func FuzzHeaderDict(f *testing.F) {
	f.Add([]byte(hdr("<f8", "(3, 4)")), byte(1))
	f.Add([]byte("{'descr': [('a', '<i4'), ('b', ('<f8', (2,)))], 'fortran_order': False, 'shape': (1L,)}"), byte(2))
	f.Add([]byte("{\"shape\": (), \"fortran_order\": True, # c\n \"descr\": u'\\x3cf2'}"), byte(3))
	f.Fuzz(func(t *testing.T, text []byte, major byte) {
		h, err := parseHeaderDict(text, major)
		if err != nil {
			var r reasonError
			if !errors.As(err, &r) {
				t.Fatalf("error %v is not a reason", err)
			}
			return
		}
		if h.shape == nil || h.itemsize <= 0 {
			t.Fatalf("incomplete header %+v", h)
		}
		for _, d := range h.shape {
			if d < 0 {
				t.Fatalf("negative dim accepted: %v", h.shape)
			}
		}
		_, _ = h.dataBytes()
	})
}

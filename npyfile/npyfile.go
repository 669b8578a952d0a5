package npyfile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
)

// Info describes a validated .npy file.
type Info struct {
	Descr        string // numpy dtype descr as in the header, e.g. "<f8", ">i4", "|b1"
	Dtype        string // numpy's name for it: "float64", "int32", "bool", "uint8", "float16", ...
	Shape        []int  // [] for a 0-d scalar; never nil after Inspect (use empty slice)
	FortranOrder bool
	Version      string // "1.0", "2.0", "3.0"
	HeaderLen    int64  // bytes before the data
	Size         int64  // file size in bytes
	SHA256       string // hex of the whole file
}

// Error says why a file is not an acceptable array. Inspect and Copy return
// it (as *Error) for content problems; file-system errors are returned as
// the *fs.PathError the os package produced, which names the path and keeps
// errors.Is(err, fs.ErrNotExist) working.
type Error struct {
	Path   string
	Reason string
}

func (e *Error) Error() string { return e.Path + ": " + e.Reason }

// copyBufSize is the streaming buffer for hashing and copying: large enough
// to keep syscalls cheap, small enough that memory stays bounded.
const copyBufSize = 256 << 10

// Inspect opens path, checks it is a regular file (following symlinks, but
// rejecting a link to a device, fifo, socket or directory), parses and
// validates the header, checks that the file size is exactly
// HeaderLen + prod(shape)*itemsize, and hashes the whole file in a
// bounded-memory streaming read.
func Inspect(path string) (Info, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()

	h := sha256.New()
	// The header bytes are hashed as they are read so the file is read once.
	info, _, want, err := validate(path, io.TeeReader(f, h), size)
	if err != nil {
		return Info{}, err
	}
	// Read one byte past the expected end so a file that grew since the
	// stat is noticed rather than silently hashed short.
	n, err := io.CopyBuffer(h, io.LimitReader(f, want+1), make([]byte, copyBufSize))
	if err != nil {
		return Info{}, err
	}
	if n != want {
		return Info{}, &Error{path, fmt.Sprintf("file changed size while being read (expected %d data bytes, read %d)", want, n)}
	}
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	return info, nil
}

// validate reads the header of path from r, positioned at the start of a
// file of the given size, and checks that the size is exactly what the
// header describes. It returns everything Inspect reports but the hash, the
// parsed header and the number of data bytes that follow the header.
func validate(path string, r io.Reader, size int64) (Info, header, int64, error) {
	hdr, version, hdrLen, err := readHeader(r, size)
	if err != nil {
		return Info{}, header{}, 0, asError(path, err)
	}
	want, err := hdr.dataBytes()
	if err == nil && want > math.MaxInt64-hdrLen {
		err = reasonf("bad shape: %s of %s overflows a 64-bit file size", formatShape(hdr.shape), hdr.dtype)
	}
	if err != nil {
		return Info{}, header{}, 0, asError(path, err)
	}
	// Compare sizes before reading any data: a lying header (or a huge
	// sparse file) is rejected without touching the data.
	if have := size - hdrLen; have != want {
		what := "truncated"
		if have > want {
			what = "trailing garbage"
		}
		return Info{}, header{}, 0, &Error{path, fmt.Sprintf("%s: header promises %d bytes of data, file has %d", what, want, have)}
	}
	return Info{
		Descr:        hdr.descr,
		Dtype:        hdr.dtype,
		Shape:        hdr.shape,
		FortranOrder: hdr.fortran,
		Version:      version,
		HeaderLen:    hdrLen,
		Size:         size,
	}, hdr, want, nil
}

// readHeader reads and validates the preamble and header dict from r, which
// is positioned at the start of a file of the given size. The size is used
// to refuse reads the file cannot satisfy before allocating for them.
func readHeader(r io.Reader, size int64) (hdr header, version string, hdrLen int64, err error) {
	if size == 0 {
		return header{}, "", 0, reasonf("not a .npy file (empty file)")
	}
	var pre [12]byte
	n := int(min(size, 8))
	if _, err := io.ReadFull(r, pre[:n]); err != nil {
		return header{}, "", 0, shrunk(err)
	}
	if m := min(n, len(magic)); string(pre[:m]) != magic[:m] {
		return header{}, "", 0, reasonf("not a .npy file (bad magic)")
	}
	if n < 8 {
		return header{}, "", 0, reasonf("not a .npy file (only %d bytes, too short for the preamble)", n)
	}
	major, minor := pre[6], pre[7]
	if major < 1 || major > 3 || minor != 0 {
		return header{}, "", 0, reasonf("unsupported .npy format version %d.%d", major, minor)
	}
	lenSize := 4
	if major == 1 {
		lenSize = 2
	}
	prefix := int64(8 + lenSize)
	if size < prefix {
		return header{}, "", 0, reasonf("truncated: file ends inside the header length field")
	}
	if _, err := io.ReadFull(r, pre[8:prefix]); err != nil {
		return header{}, "", 0, shrunk(err)
	}
	var textLen int64
	if major == 1 {
		textLen = int64(binary.LittleEndian.Uint16(pre[8:10]))
	} else {
		textLen = int64(binary.LittleEndian.Uint32(pre[8:12]))
	}
	if textLen > maxHeaderLen {
		return header{}, "", 0, reasonf("header length %d exceeds the %d byte limit", textLen, maxHeaderLen)
	}
	if prefix+textLen > size {
		return header{}, "", 0, reasonf("truncated: header length %d runs past the end of the file (%d bytes)", textLen, size)
	}
	text := make([]byte, textLen)
	if _, err := io.ReadFull(r, text); err != nil {
		return header{}, "", 0, shrunk(err)
	}
	hdr, err = parseHeaderDict(text, major)
	if err != nil {
		return header{}, "", 0, err
	}
	return hdr, fmt.Sprintf("%d.0", major), prefix + textLen, nil
}

// shrunk turns a short read of bytes the stat promised into a content error:
// the file was truncated while we read it. Other errors pass through.
func shrunk(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return reasonf("file changed size while being read")
	}
	return err
}

// asError attaches path to content problems; I/O errors keep their own
// *fs.PathError.
func asError(path string, err error) error {
	var r reasonError
	if errors.As(err, &r) {
		return &Error{Path: path, Reason: string(r)}
	}
	return err
}

// openRegular opens path for reading and returns it with its size, or an
// *Error if it is not a regular file. The path is stat'ed first so that
// devices are not even opened, and the open file is stat'ed again so that
// swapping the path in between cannot slip a fifo or device through.
func openRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, notRegular(path, fi.Mode())
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, notRegular(path, fi.Mode())
	}
	return f, fi.Size(), nil
}

func notRegular(path string, m fs.FileMode) error {
	what := "irregular file"
	switch {
	case m.IsDir():
		what = "directory"
	case m&fs.ModeNamedPipe != 0:
		what = "named pipe"
	case m&fs.ModeSocket != 0:
		what = "socket"
	case m&fs.ModeCharDevice != 0:
		what = "character device"
	case m&fs.ModeDevice != 0:
		what = "block device"
	}
	return &Error{Path: path, Reason: "not a regular file (" + what + ")"}
}

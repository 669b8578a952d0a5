package npyfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCopy(t *testing.T) {
	for _, name := range []string{"f64_oof_100x3.npy", "i16_be_fortran.npy", "scalar_bool.npy", "object.npy"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("testdata", "npy", name)
			dst := filepath.Join(t.TempDir(), name)
			sum, err := Copy(src, dst)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(src)
			b, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatal("copy differs from source")
			}
			// Copy does not validate, so object.npy copies too; only
			// compare with Inspect where Inspect accepts the file.
			if info, err := Inspect(src); err == nil {
				if sum != info.SHA256 {
					t.Errorf("Copy sha %s != Inspect sha %s", sum, info.SHA256)
				}
				if dinfo, err := Inspect(dst); err != nil || dinfo.SHA256 != sum {
					t.Errorf("Inspect(dst) = %+v, %v; want sha %s", dinfo, err, sum)
				}
			}
		})
	}
}

func TestCopyEmptyFile(t *testing.T) {
	src := writeFile(t, "empty", nil)
	sum, err := Copy(src, filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	if sum != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("sha of empty file = %s", sum)
	}
}

func TestCopyRefusesExistingDst(t *testing.T) {
	src := filepath.Join("testdata", "npy", "f64_1d.npy")
	dst := writeFile(t, "dst.npy", []byte("keep me"))
	if _, err := Copy(src, dst); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "keep me" {
		t.Fatalf("existing dst was modified: %q", b)
	}
}

func TestCopyRefusesDanglingSymlinkDst(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "dst.npy")
	target := filepath.Join(dir, "elsewhere.npy")
	if err := os.Symlink(target, dst); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	if _, err := Copy(filepath.Join("testdata", "npy", "f64_1d.npy"), dst); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("Copy wrote through a symlink")
	}
}

func TestCopyBadSource(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out.npy")

	_, err := Copy(filepath.Join(dir, "missing.npy"), dst)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing src: err = %v, want fs.ErrNotExist", err)
	}

	src := t.TempDir()
	_, err = Copy(src, dst)
	wantReason(t, src, err, "not a regular file (directory)")

	if _, err := os.Lstat(dst); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dst was left behind after failed copies: %v", err)
	}
}

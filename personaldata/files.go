package personaldata

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/minio/sio"
)

// ErrFileTooLarge: an evidence file exceeds the size limit.
var ErrFileTooLarge = errors.New("file too large")

// Files stores evidence files encrypted at rest under a directory, each
// with its own random key wrapped by its owner's key. A file is named by
// the SHA-256 of its encrypted bytes (content addressing that reveals
// nothing of the content).
type Files struct {
	dir  string
	ring *Keyring
}

// FileRef describes a stored file. SHA256 and Size are of the plaintext:
// they go, sealed, into the event that attaches the file.
type FileRef struct {
	ID     string
	SHA256 [32]byte
	Size   int64
}

// NewFiles returns a file store under dir (created with mode 0700).
func NewFiles(dir string, ring *Keyring) (*Files, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("create file directory: %w", err)
	}
	return &Files{dir: dir, ring: ring}, nil
}

func fileKeyAD(id string) []byte { return []byte("parcours.file-key.v1\x00" + id) }

func (f *Files) path(id string) string { return filepath.Join(f.dir, id[:2], id) }

// Put encrypts r into the store as a file of subject, refusing more than
// maxSize bytes (ErrFileTooLarge, nothing kept). The file is on stable
// storage, and its key recorded, when Put returns.
func (f *Files) Put(ctx context.Context, subject string, r io.Reader, maxSize int64) (FileRef, error) {
	owner, err := f.ring.key(ctx, subject, true)
	if err != nil {
		return FileRef{}, fmt.Errorf("store file: %w", err)
	}
	fileKey := make([]byte, 32)
	if _, err := rand.Read(fileKey); err != nil {
		return FileRef{}, fmt.Errorf("store file: generate key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "tmp"), "upload-")
	if err != nil {
		return FileRef{}, fmt.Errorf("store file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	defer tmp.Close()
	plainHash, cipherHash := sha256.New(), sha256.New()
	counter := &countingReader{r: io.TeeReader(io.LimitReader(ctxReader{ctx, r}, maxSize+1), plainHash)}
	if _, err := sio.Encrypt(io.MultiWriter(tmp, cipherHash), counter, sio.Config{Key: fileKey}); err != nil {
		return FileRef{}, fmt.Errorf("store file: encrypt: %w", err)
	}
	if counter.n > maxSize {
		return FileRef{}, fmt.Errorf("store file: more than %d bytes: %w", maxSize, ErrFileTooLarge)
	}
	if err := tmp.Sync(); err != nil {
		return FileRef{}, fmt.Errorf("store file: sync: %w", err)
	}
	ref := FileRef{ID: hex.EncodeToString(cipherHash.Sum(nil)), Size: counter.n}
	copy(ref.SHA256[:], plainHash.Sum(nil))
	dst := f.path(ref.ID)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return FileRef{}, fmt.Errorf("store file: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return FileRef{}, fmt.Errorf("store file: %w", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return FileRef{}, err
	}
	if err := f.ring.store.PutFileKey(ctx, ref.ID, subject, seal(owner.aead, fileKey, fileKeyAD(ref.ID))); err != nil {
		os.Remove(dst)
		return FileRef{}, fmt.Errorf("store file: %w", err)
	}
	return ref, nil
}

// Open returns the decrypted content of a file and its owner. ErrErased if
// the owner was erased. The reader fails if the stored bytes were altered.
func (f *Files) Open(ctx context.Context, id string) (io.ReadCloser, string, error) {
	if len(id) != 64 {
		return nil, "", fmt.Errorf("file id %q: %w", id, ErrInvalid)
	}
	if _, err := hex.DecodeString(id); err != nil {
		return nil, "", fmt.Errorf("file id %q: %w", id, ErrInvalid)
	}
	subject, wrapped, err := f.ring.store.GetFileKey(ctx, id)
	if err != nil {
		return nil, "", fmt.Errorf("open file: %w", err)
	}
	owner, err := f.ring.key(ctx, subject, false)
	if err != nil {
		return nil, subject, fmt.Errorf("open file: %w", err)
	}
	fileKey, err := open(owner.aead, wrapped, fileKeyAD(id))
	if err != nil {
		return nil, subject, fmt.Errorf("open file %s: %w", id, err)
	}
	file, err := os.Open(f.path(id))
	if err != nil {
		return nil, subject, fmt.Errorf("open file: %w", err)
	}
	dec, err := sio.DecryptReader(file, sio.Config{Key: fileKey})
	if err != nil {
		file.Close()
		return nil, subject, fmt.Errorf("open file %s: %w", id, err)
	}
	return readCloser{dec, file}, subject, nil
}

// Remove deletes a file's encrypted bytes (after its key is gone).
func (f *Files) Remove(id string) error {
	if err := os.Remove(f.path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove file %s: %w", id, err)
	}
	return nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ctxReader stops a long upload when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

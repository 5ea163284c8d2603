package auditlog

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/note"
)

// bundleDocs are the bundle's documents before they are written.
type bundleDocs struct {
	events     []eventstore.Event
	proofs     proofsDoc
	disclosure disclosureDoc
	view       *DossierView
	checkpoint []byte
	publicKey  string
}

// zipOut writes entries and remembers each one's size and SHA-256.
type zipOut struct {
	zw      *zip.Writer
	at      time.Time
	entries []manifestEntry
}

func (z *zipOut) create(path string, method uint16) (io.Writer, error) {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: z.at})
	if err != nil {
		return nil, fmt.Errorf("bundle: write %s: %w", path, err)
	}
	return w, nil
}

func (z *zipOut) put(path string, b []byte) error {
	w, err := z.create(path, zip.Deflate)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("bundle: write %s: %w", path, err)
	}
	z.entries = append(z.entries, manifestEntry{Path: path, Size: int64(len(b)), SHA256: sha256Hex(sha256.Sum256(b))})
	return nil
}

func (z *zipOut) writeDocs(doc bundleDocs) error {
	records := make([]eventRecord, len(doc.events))
	for i, e := range doc.events {
		records[i] = recordOf(e, doc.proofs.Inclusion[i].LeafIndex)
	}
	events, err := encodeEvents(records)
	if err != nil {
		return err
	}
	proofs, err := json.Marshal(doc.proofs)
	if err != nil {
		return err
	}
	disc, err := json.Marshal(doc.disclosure)
	if err != nil {
		return err
	}
	dj, dh, err := renderDossier(doc.view)
	if err != nil {
		return err
	}
	for _, e := range []struct {
		path string
		b    []byte
	}{{entryReadme, []byte(readme)}, {entryDossierHTM, dh}, {entryDossier, dj}, {entryEvents, events}, {entryProofs, proofs},
		{entryDisclosure, disc}, {entryCheckpoint, doc.checkpoint}, {entryPublicKey, []byte(doc.publicKey + "\n")}} {
		if err := z.put(e.path, e.b); err != nil {
			return err
		}
	}
	return nil
}

// writeFiles copies the dossier's evidence files, decrypted, checking
// each against the SHA-256 and size its event records.
func (z *zipOut) writeFiles(ctx context.Context, files FileOpener, v *DossierView) (int, error) {
	if v.Erased {
		return 0, nil
	}
	n := 0
	for _, e := range v.Evidence {
		if e.Path == "" {
			continue
		}
		if err := z.copyFile(ctx, files, e); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (z *zipOut) copyFile(ctx context.Context, files FileOpener, e EvidenceView) error {
	r, _, err := files.Open(ctx, e.File.FileID)
	if err != nil {
		return fmt.Errorf("bundle: evidence %s: %w", e.ID, err)
	}
	defer r.Close()
	w, err := z.create(e.Path, zip.Store) // media files are compressed already
	if err != nil {
		return err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return fmt.Errorf("bundle: evidence %s: read file: %w", e.ID, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != e.File.SHA256 || size != e.File.Size {
		return fmt.Errorf("bundle: evidence %s: stored file has SHA-256 %s (%d bytes), its event records %s (%d bytes): %w",
			e.ID, got, size, e.File.SHA256, e.File.Size, ErrTampered)
	}
	z.entries = append(z.entries, manifestEntry{Path: e.Path, Size: size, SHA256: got})
	return nil
}

// finish writes the manifest and its signature, then closes the zip.
func (z *zipOut) finish(m manifest, signer note.Signer) error {
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	mb = append(mb, '\n')
	sig, err := note.Sign(&note.Note{Text: bundleStatement + "\n" + sha256Hex(sha256.Sum256(mb)) + "\n"}, signer)
	if err != nil {
		return fmt.Errorf("bundle: sign manifest: %w", err)
	}
	if err := z.put(entryManifest, mb); err != nil {
		return err
	}
	if err := z.put(entryManifestSg, sig); err != nil {
		return err
	}
	if err := z.zw.Close(); err != nil {
		return fmt.Errorf("bundle: finish zip: %w", err)
	}
	return nil
}

package auditlog

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// FileOpener gives the decrypted content of a stored evidence file
// (*personaldata.Files does).
type FileOpener interface {
	Open(ctx context.Context, id string) (io.ReadCloser, string, error)
}

// Sources are what BuildBundle reads from.
type Sources struct {
	Log   *Log
	Store eventstore.Store
	// Codec opens the personal parts the dossier refers to.
	Codec *eventcodec.Codec
	Files FileOpener
	Now   func() time.Time // default time.Now
}

// BundleSummary says what a bundle holds.
type BundleSummary struct {
	Events, Disclosed, Files int
	TreeSize, AnchorTreeSize int64
}

// BuildBundle writes to w the evidence bundle (a zip) of the submitted VAE
// dossier dossierID of portfolio portfolioID; the package doc describes
// it. The caller authorizes: the HTTP layer lets an auditor download only
// a dossier they hold a grant on (commands.Handler.ReadPortfolio with the
// dossier answers forbidden otherwise). Errors: ErrNotFound (no such
// submission in the log), ErrPending (not yet anchored: retry after the
// next checkpoint), ErrTampered (a stored file does not match the hash its
// event records), or a read or write error.
func BuildBundle(ctx context.Context, src Sources, portfolioID, dossierID string, w io.Writer) (BundleSummary, error) {
	var sum BundleSummary
	anchor, err := src.Log.AnchorOf(ctx, portfolioID, dossierID)
	if err != nil {
		return sum, err
	}
	cp, signedCP, err := src.Log.Latest(ctx)
	if err != nil {
		return sum, err
	}
	events, proofs, err := loggedStream(ctx, src, domain.PortfolioStream(portfolioID), cp.Size)
	if err != nil {
		return sum, err
	}
	clear, err := foldEvents(events, nil, dossierID)
	if err != nil {
		return sum, fmt.Errorf("bundle of %s: %w", dossierID, err)
	}
	d := clear.p.Dossiers()[dossierID]
	if d == nil {
		return sum, fmt.Errorf("dossier %s of portfolio %s: %w", dossierID, portfolioID, ErrNotFound)
	}
	sel := clear.selectItems(d)
	disc, err := disclose(ctx, src.Codec, events, clear.disclosed(sel))
	if err != nil {
		return sum, err
	}
	doc := bundleDocs{events: events, proofs: proofsDoc{TreeSize: cp.Size, Inclusion: proofs}, disclosure: disc,
		checkpoint: signedCP, publicKey: src.Log.PublicKey()}
	if doc.proofs.Anchor, err = anchorProofs(ctx, src.Log, anchor, cp.Size); err != nil {
		return sum, err
	}
	lv := LogView{Origin: src.Log.Origin(), PublicKey: src.Log.PublicKey(), TreeSize: cp.Size, SignedAt: cp.Time,
		SubmissionLeaf: anchor.LeafIndex, AnchorTreeSize: anchor.Checkpoint.Size, AnchorSignedAt: anchor.Checkpoint.Time}
	full, err := foldEvents(events, partsByID(disc), dossierID)
	if err != nil {
		return sum, fmt.Errorf("bundle of %s: %w", dossierID, err)
	}
	if doc.view, err = full.view(dossierID, sel, lv); err != nil {
		return sum, fmt.Errorf("bundle of %s: %w", dossierID, err)
	}
	now := time.Now
	if src.Now != nil {
		now = src.Now
	}
	z := &zipOut{zw: zip.NewWriter(w), at: now().UTC().Truncate(time.Second)}
	if err := z.writeDocs(doc); err != nil {
		return sum, err
	}
	if sum.Files, err = z.writeFiles(ctx, src.Files, doc.view); err != nil {
		return sum, err
	}
	last := events[len(events)-1]
	m := manifest{Format: BundleFormat, Origin: src.Log.Origin(), PortfolioID: portfolioID, DossierID: dossierID, Stream: last.Stream,
		Events: len(events), HeadHash: last.Hash.String(), TreeSize: cp.Size, CreatedAt: z.at, Entries: z.entries}
	if err := z.finish(m, src.Log.key.Signer); err != nil {
		return sum, err
	}
	sum.Events, sum.Disclosed, sum.TreeSize, sum.AnchorTreeSize = len(events), len(disc.Parts), cp.Size, anchor.Checkpoint.Size
	return sum, nil
}

// loggedStream returns the stream's events that the tree of size holds
// (a prefix of the stream: the log keeps each stream's order) and their
// inclusion proofs in that tree.
func loggedStream(ctx context.Context, src Sources, stream string, size int64) ([]eventstore.Event, []leafProof, error) {
	var events []eventstore.Event
	var proofs []leafProof
	for from := uint64(0); ; {
		page, err := src.Store.ReadStream(ctx, stream, eventstore.ReadOptions{From: from, Limit: 1000})
		if err != nil {
			return nil, nil, fmt.Errorf("bundle: read %s: %w", stream, err)
		}
		for _, e := range page {
			in, err := src.Log.InclusionOf(ctx, e.ID, size)
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
				return events, proofs, nil // after the checkpoint: the next bundle will hold it
			}
			if err != nil {
				return nil, nil, err
			}
			if in.EventHash != e.Hash {
				return nil, nil, fmt.Errorf("bundle: %s@%d: logged with hash %s, stored with %s: %w", e.Stream, e.Revision, in.EventHash, e.Hash, ErrTampered)
			}
			events = append(events, e)
			proofs = append(proofs, leafProof{EventID: e.ID.String(), LeafIndex: in.LeafIndex, Proof: in.Proof})
		}
		if len(page) < 1000 {
			return events, proofs, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}

// disclose opens the personal parts of the events ids names, with the
// part key of each part sealed in version 2.
func disclose(ctx context.Context, codec *eventcodec.Codec, events []eventstore.Event, ids []string) (disclosureDoc, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	doc := disclosureDoc{Subject: "", Parts: []disclosedPart{}}
	for _, e := range events {
		if !want[e.ID.String()] {
			continue
		}
		d, err := codec.DecodeClear(e)
		if err != nil {
			return doc, fmt.Errorf("bundle: %w", err)
		}
		part, err := discloseOne(ctx, codec, e, *d.Personal)
		if err != nil {
			return doc, fmt.Errorf("bundle: open %s@%d: %w", e.Stream, e.Revision, err)
		}
		doc.Subject = d.Subject
		doc.Parts = append(doc.Parts, part)
	}
	return doc, nil
}

// discloseOne opens one part. A version 2 part is opened with its part
// key, as the verifier will, so the text and the key handed over agree.
func discloseOne(ctx context.Context, codec *eventcodec.Codec, e eventstore.Event, ref eventcodec.PersonalRef) (disclosedPart, error) {
	part := disclosedPart{EventID: e.ID.String(), Revision: e.Revision, Type: e.Type}
	if ref.Sealed.V != personaldata.SealV2 {
		p, erased, err := codec.OpenPersonal(ctx, ref)
		part.Erased, part.Personal = erased, p
		return part, err
	}
	key, err := codec.PartKey(ctx, ref)
	if errors.Is(err, personaldata.ErrErased) {
		part.Erased = true
		return part, nil
	}
	if err != nil {
		return part, err
	}
	p, err := personaldata.OpenWithPartKey(key, personaldata.BindingOf(e), ref.Sealed)
	if err != nil {
		return part, err
	}
	part.PartKey, part.Personal = key, p
	return part, nil
}

func partsByID(d disclosureDoc) map[string]disclosedPart {
	m := make(map[string]disclosedPart, len(d.Parts))
	for _, p := range d.Parts {
		m[p.EventID] = p
	}
	return m
}

func anchorProofs(ctx context.Context, l *Log, a Anchor, size int64) (anchorDoc, error) {
	in, err := l.InclusionOf(ctx, a.EventID, a.Checkpoint.Size)
	if err != nil {
		return anchorDoc{}, fmt.Errorf("bundle: anchor: %w", err)
	}
	cons, err := l.Consistency(ctx, a.Checkpoint.Size, size)
	if err != nil {
		return anchorDoc{}, fmt.Errorf("bundle: anchor: %w", err)
	}
	return anchorDoc{EventID: a.EventID.String(), LeafIndex: a.LeafIndex, Checkpoint: string(a.Signed), Inclusion: in.Proof, Consistency: cons}, nil
}

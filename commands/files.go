package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// FileUse is what the portfolio says of a stored file: the name and media
// type recorded where it is used (evidence or a document). Both are empty
// for a file uploaded but not attached yet.
type FileUse struct {
	Name      string
	MediaType string
	// Used reports whether evidence or a document refers to the file.
	Used bool
}

// AuthorizeUpload reports whether a may store files for portfolio id: only
// its owner may (the rule of content writes). Errors are those of the
// commands: not found when a may not know the portfolio, forbidden else.
func (h *Handler) AuthorizeUpload(ctx context.Context, a domain.Actor, id string) error {
	return h.withPortfolio(ctx, a, id, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		return authorize(a, st, p, actWriteContent, nil, "", now)
	})
}

// AuthorizeFileRead reports whether a may download file fileID of
// portfolio id, and what the portfolio records of it. The owner may read
// every file of theirs; an assigned counsellor a file shown by evidence;
// a tutor one shown by evidence in their scope; an auditor one shown by
// evidence mapped in a dossier they hold a grant on; a document's file
// only who may see the document (domain.Portfolio.MaySeeDocument). To
// whoever may read some files of the portfolio, one they may not read is
// not found, so a denial never reveals it; the structure's admin, who
// reads no content, is forbidden; anyone else is told of no portfolio.
// Whether the file store holds the file, and for this owner, is the
// caller's check.
func (h *Handler) AuthorizeFileRead(ctx context.Context, a domain.Actor, id, fileID string) (FileUse, error) {
	var use FileUse
	err := h.withPortfolio(ctx, a, id, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		if err := authorize(a, st, p, actWriteContent, nil, "", now); err == nil {
			use = fileUse(p, fileID, func(domain.ItemRef) bool { return true }, func(string) bool { return true })
			return nil
		}
		readable := authorize(a, st, p, actRead, nil, "", now) == nil
		evidence := func(ref domain.ItemRef) bool {
			if readable && (a.Role != domain.RoleTutor || p.TutorCovers(a.PersonID, ref, now)) {
				return true
			}
			for did, d := range p.Dossiers() {
				if mapsItem(d, ref) && authorize(a, st, p, actReadDossier, nil, did, now) == nil {
					return true
				}
			}
			return false
		}
		document := func(docID string) bool { return readable && p.MaySeeDocument(a, docID) }
		if use = fileUse(p, fileID, evidence, document); use.Used {
			return nil
		}
		if err := authorize(a, st, p, actRead, nil, "", now); domain.KindOf(err) == domain.KindNotFound ||
			err != nil && a.Role != domain.RoleAuditor {
			// Nobody unrelated to the portfolio learns that it exists; who
			// knows it but reads no content (its structure's admin) is
			// refused.
			return err
		}
		return &domain.Error{Kind: domain.KindNotFound, Field: "file", Reason: "no file " + fileID}
	})
	return use, err
}

// fileUse finds the evidence and documents showing fileID that the reader
// may see (evidence, document), and what they record of it.
func fileUse(p *domain.Portfolio, fileID string, evidence func(domain.ItemRef) bool, document func(string) bool) FileUse {
	for eid, e := range p.Evidence() {
		if e.File != nil && e.File.FileID == fileID && evidence(domain.ItemRef{Kind: domain.ItemEvidence, ID: eid}) {
			return FileUse{Name: e.Personal.FileName, MediaType: e.File.MediaType, Used: true}
		}
	}
	for did, d := range p.Documents() {
		if d.File.FileID == fileID && document(did) {
			return FileUse{Name: d.Personal.FileName, MediaType: d.File.MediaType, Used: true}
		}
	}
	return FileUse{}
}

func mapsItem(d *domain.Dossier, ref domain.ItemRef) bool {
	for _, refs := range d.Mapping {
		for _, r := range refs {
			if r == ref {
				return true
			}
		}
	}
	return false
}

// withPortfolio runs fn on the current state of portfolio id and of the
// actor's structure, holding their locks; fn decides.
func (h *Handler) withPortfolio(ctx context.Context, a domain.Actor, id string, fn func(*domain.Portfolio, *domain.Structure, time.Time) error) error {
	if err := validActor(a); err != nil {
		return err
	}
	if !domain.ValidID(id) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	stream := domain.PortfolioStream(id)
	e := h.cache.get(stream, func() *entry { return &entry{state: domain.NewPortfolio(id), idem: map[string]idemRecord{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, e, stream); err != nil {
		h.cache.drop(stream)
		return err
	}
	p := e.state.(*domain.Portfolio)
	now := h.now()
	return h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error { return fn(p, st, now) })
}

package domain

import (
	"encoding/hex"
	"mime"
	"strings"
)

// Document events. The file reference (whose SHA-256 says what the paper
// is), the title and the file name are personal: all sealed.
type (
	DocumentAdded struct {
		DocumentID string       `json:"document_id"`
		Kind       DocumentKind `json:"kind"`
		File       FileRef      `json:"-"`
		Personal   DocumentText `json:"-"`
	}
	// DocumentShared lets the owner's assigned counsellors see it.
	DocumentShared struct {
		DocumentID string `json:"document_id"`
	}
	// DocumentUnshared makes it private to the owner again.
	DocumentUnshared struct {
		DocumentID string `json:"document_id"`
	}
	DocumentRemoved struct {
		DocumentID string `json:"document_id"`
	}
)

func (DocumentAdded) EventType() string    { return "DocumentAdded" }
func (DocumentShared) EventType() string   { return "DocumentShared" }
func (DocumentUnshared) EventType() string { return "DocumentUnshared" }
func (DocumentRemoved) EventType() string  { return "DocumentRemoved" }

func (e *DocumentAdded) PersonalPart() any {
	return &sealedDocument{Text: &e.Personal, File: &e.File}
}

type sealedDocument struct {
	Text *DocumentText `json:"text"`
	File *FileRef      `json:"file"`
}

func (e *DocumentAdded) applyTo(p *Portfolio) {
	p.documents[e.DocumentID] = &Document{ID: e.DocumentID, Kind: e.Kind, File: e.File, Personal: e.Personal}
}
func (e *DocumentShared) applyTo(p *Portfolio) {
	if d := p.documents[e.DocumentID]; d != nil {
		d.Shared = true
	}
}
func (e *DocumentUnshared) applyTo(p *Portfolio) {
	if d := p.documents[e.DocumentID]; d != nil {
		d.Shared = false
	}
}
func (e *DocumentRemoved) applyTo(p *Portfolio) {
	if d := p.documents[e.DocumentID]; d != nil {
		d.Removed = true
	}
}

var documentEvents = []EventSpec{
	{Type: "DocumentAdded", Version: 1, New: func() Event { return &DocumentAdded{} }},
	{Type: "DocumentShared", Version: 1, New: func() Event { return &DocumentShared{} }},
	{Type: "DocumentUnshared", Version: 1, New: func() Event { return &DocumentUnshared{} }},
	{Type: "DocumentRemoved", Version: 1, New: func() Event { return &DocumentRemoved{} }},
}

// MaySeeDocument reports whether a may see document id: its owner always,
// an assigned counsellor only while it is shared, nobody once removed.
// Whether a is still an active member of the structure is the command
// layer's check (authorize), as for every read.
func (p *Portfolio) MaySeeDocument(a Actor, id string) bool {
	d, ok := p.documents[id]
	if !ok || d.Removed || !p.exists || a.Tenant != p.tenant {
		return false
	}
	switch a.Role {
	case RoleBeneficiary:
		return a.PersonID == p.owner
	case RoleCounsellor:
		return d.Shared && p.counsellors[a.PersonID]
	}
	return false
}

// DocumentInput is what the owner says of a document.
type DocumentInput struct {
	Kind DocumentKind `json:"kind"`
	File FileRef      `json:"file"`
	Text DocumentText `json:"text"`
}

func (in DocumentInput) validate() error {
	switch in.Kind {
	case DocumentID, DocumentCertificate, DocumentContract, DocumentOther:
	default:
		return invalid("kind", "must be id, certificate, contract or other")
	}
	if err := checkDocumentFile(in.File); err != nil {
		return err
	}
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	return checkText("file_name", in.Text.FileName, 0, 255)
}

// checkDocumentFile checks the reference to a stored file: an ID, the hex
// SHA-256 of the plaintext, a positive size and a media type.
func checkDocumentFile(f FileRef) error {
	if err := checkID("file.file_id", f.FileID); err != nil {
		return err
	}
	if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 {
		return invalid("file.sha256", "must be a SHA-256 in hexadecimal (64 digits)")
	}
	if f.Size <= 0 {
		return invalid("file.size", "must be positive")
	}
	mt, _, err := mime.ParseMediaType(f.MediaType)
	if typ, sub, ok := strings.Cut(mt, "/"); err != nil || mt != f.MediaType || !ok || typ == "" || sub == "" || len(mt) > 127 {
		return invalid("file.media_type", "must be a media type such as application/pdf")
	}
	return nil
}

// AddDocument decides a new document, private to the owner.
func (p *Portfolio) AddDocument(id string, in DocumentInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("document_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.documents[id]; dup {
		return nil, conflict("document %s already exists", id)
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{&DocumentAdded{DocumentID: id, Kind: in.Kind, File: in.File, Personal: in.Text}}, nil
}

func (p *Portfolio) liveDocument(id string) (*Document, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	d, ok := p.documents[id]
	if !ok || d.Removed {
		return nil, notFound("document_id", "no document %s", id)
	}
	return d, nil
}

// ShareDocument decides that assigned counsellors may see a document.
func (p *Portfolio) ShareDocument(id string) ([]Event, error) {
	d, err := p.liveDocument(id)
	if err != nil {
		return nil, err
	}
	if d.Shared {
		return nil, conflict("document %s is already shared", id)
	}
	return []Event{&DocumentShared{DocumentID: id}}, nil
}

// UnshareDocument decides that a document is private to the owner again.
func (p *Portfolio) UnshareDocument(id string) ([]Event, error) {
	d, err := p.liveDocument(id)
	if err != nil {
		return nil, err
	}
	if !d.Shared {
		return nil, conflict("document %s is not shared", id)
	}
	return []Event{&DocumentUnshared{DocumentID: id}}, nil
}

// RemoveDocument decides the removal of a document.
func (p *Portfolio) RemoveDocument(id string) ([]Event, error) {
	if _, err := p.liveDocument(id); err != nil {
		return nil, err
	}
	return []Event{&DocumentRemoved{DocumentID: id}}, nil
}

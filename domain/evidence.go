package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"strings"
)

// Evidence events.
type (
	EvidenceAttached struct {
		EvidenceID  string       `json:"evidence_id"`
		Target      ItemRef      `json:"target"`
		Kind        EvidenceKind `json:"kind"`
		File        *FileRef     `json:"-"` // sealed: see sealedEvidence
		ContentHash string       `json:"-"`
		Personal    EvidenceText `json:"-"`
	}
	// EvidenceRevised replaces what an evidence shows; its content hash
	// changes with it, so attestations of the former content show as such.
	EvidenceRevised struct {
		EvidenceID  string       `json:"evidence_id"`
		Kind        EvidenceKind `json:"kind"`
		File        *FileRef     `json:"-"` // sealed: see sealedEvidence
		ContentHash string       `json:"-"`
		Personal    EvidenceText `json:"-"`
	}
	EvidenceWithdrawn struct {
		EvidenceID string `json:"evidence_id"`
	}
	// EvidenceSuperseded marks an evidence as replaced by another, which
	// was attached to the same target just before; the old one stays.
	EvidenceSuperseded struct {
		EvidenceID   string `json:"evidence_id"`
		SupersededBy string `json:"superseded_by"`
	}
)

func (EvidenceAttached) EventType() string   { return "EvidenceAttached" }
func (EvidenceRevised) EventType() string    { return "EvidenceRevised" }
func (EvidenceWithdrawn) EventType() string  { return "EvidenceWithdrawn" }
func (EvidenceSuperseded) EventType() string { return "EvidenceSuperseded" }

// sealedEvidence is the personal part of an evidence event: its text, and
// the file reference and content hash, which say what the person showed
// (a hash of a short text can be guessed back, so it is sealed too).
type sealedEvidence struct {
	Text        *EvidenceText `json:"text"`
	File        **FileRef     `json:"file,omitempty"`
	ContentHash *string       `json:"content_hash"`
}

func (e *EvidenceAttached) PersonalPart() any {
	return &sealedEvidence{Text: &e.Personal, File: &e.File, ContentHash: &e.ContentHash}
}
func (e *EvidenceRevised) PersonalPart() any {
	return &sealedEvidence{Text: &e.Personal, File: &e.File, ContentHash: &e.ContentHash}
}

func (e *EvidenceAttached) applyTo(p *Portfolio) {
	p.evidence[e.EvidenceID] = &Evidence{ID: e.EvidenceID, Target: e.Target, Kind: e.Kind, File: e.File,
		ContentHash: e.ContentHash, Personal: e.Personal}
}
func (e *EvidenceRevised) applyTo(p *Portfolio) {
	if x := p.evidence[e.EvidenceID]; x != nil {
		x.Kind, x.File, x.ContentHash, x.Personal = e.Kind, e.File, e.ContentHash, e.Personal
	}
}
func (e *EvidenceWithdrawn) applyTo(p *Portfolio) {
	if x := p.evidence[e.EvidenceID]; x != nil {
		x.Withdrawn = true
	}
}
func (e *EvidenceSuperseded) applyTo(p *Portfolio) {
	if x := p.evidence[e.EvidenceID]; x != nil {
		x.SupersededBy = e.SupersededBy
	}
}

var evidenceEvents = []EventSpec{
	{Type: "EvidenceAttached", Version: 1, New: func() Event { return &EvidenceAttached{} }},
	{Type: "EvidenceRevised", Version: 1, New: func() Event { return &EvidenceRevised{} }},
	{Type: "EvidenceWithdrawn", Version: 1, New: func() Event { return &EvidenceWithdrawn{} }},
	{Type: "EvidenceSuperseded", Version: 1, New: func() Event { return &EvidenceSuperseded{} }},
}

// Live reports whether the evidence still stands: neither withdrawn nor
// superseded.
func (e *Evidence) Live() bool { return !e.Withdrawn && e.SupersededBy == "" }

// hasLiveEvidence reports whether live evidence targets ref.
func (p *Portfolio) hasLiveEvidence(ref ItemRef) bool {
	for _, e := range p.evidence {
		if e.Target == ref && e.Live() {
			return true
		}
	}
	return false
}

// EvidenceInput is what an evidence shows: a text, a web link, or a
// stored file. Each kind carries its own content and no other.
type EvidenceInput struct {
	Kind EvidenceKind `json:"kind"`
	File *FileRef     `json:"file,omitempty"`
	Text EvidenceText `json:"text"`
}

// ContentHash is the SHA-256 (hex) of what the evidence shows: the
// file's plaintext SHA-256, or that of the text's or the link's bytes.
func (in EvidenceInput) ContentHash() string {
	switch in.Kind {
	case EvidenceOfFile:
		if in.File != nil {
			return in.File.SHA256
		}
		return ""
	case EvidenceOfLink:
		return sha256Hex(in.Text.URL)
	}
	return sha256Hex(in.Text.Text)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (in EvidenceInput) validate() error {
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	var err error
	switch in.Kind {
	case EvidenceOfText:
		err = checkText("text", in.Text.Text, 1, 20000)
	case EvidenceOfLink:
		err = checkURL("url", in.Text.URL)
	case EvidenceOfFile:
		err = in.validateFile()
	default:
		return invalid("kind", "must be text, link or file")
	}
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		set   bool
		kinds EvidenceKind
	}{{"text", in.Text.Text != "", EvidenceOfText}, {"url", in.Text.URL != "", EvidenceOfLink},
		{"file", in.File != nil, EvidenceOfFile}, {"file_name", in.Text.FileName != "", EvidenceOfFile}} {
		if f.set && f.kinds != in.Kind {
			return invalid(f.name, "must be empty for evidence of kind %s", in.Kind)
		}
	}
	return nil
}

func (in EvidenceInput) validateFile() error {
	f := in.File
	if f == nil {
		return invalid("file", "is required for evidence of kind file")
	}
	if err := checkID("file.file_id", f.FileID); err != nil {
		return err
	}
	if len(f.SHA256) != 64 || strings.Trim(f.SHA256, "0123456789abcdef") != "" {
		return invalid("file.sha256", "must be 64 lower-case hex digits")
	}
	if f.Size <= 0 {
		return invalid("file.size", "must be positive")
	}
	if t, _, err := mime.ParseMediaType(f.MediaType); err != nil || !strings.Contains(t, "/") || len(f.MediaType) > 255 {
		return invalid("file.media_type", "must be a media type (image/jpeg)")
	}
	if err := checkText("file_name", in.Text.FileName, 1, 255); err != nil {
		return err
	}
	if strings.ContainsAny(in.Text.FileName, `/\`) {
		return invalid("file_name", "must not contain a path")
	}
	return nil
}

// checkEvidenceTarget accepts an existing competence, experience or task.
func (p *Portfolio) checkEvidenceTarget(t ItemRef) error {
	switch t.Kind {
	case ItemCompetence, ItemExperience, ItemTask:
	default:
		return invalid("target.kind", "must be competence, experience or task")
	}
	if !p.Has(t) {
		return notFound("target", "no %s %s", t.Kind, t.ID)
	}
	return nil
}

func attached(id string, target ItemRef, in EvidenceInput) *EvidenceAttached {
	return &EvidenceAttached{EvidenceID: id, Target: target, Kind: in.Kind, File: in.File,
		ContentHash: in.ContentHash(), Personal: in.Text}
}

// AttachEvidence decides a new evidence on a competence, an experience or
// a task.
func (p *Portfolio) AttachEvidence(id string, target ItemRef, in EvidenceInput) ([]Event, error) {
	if err := p.newEvidenceID("evidence_id", id); err != nil {
		return nil, err
	}
	if err := p.checkEvidenceTarget(target); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{attached(id, target, in)}, nil
}

func (p *Portfolio) newEvidenceID(field, id string) error {
	if err := p.mustExist(); err != nil {
		return err
	}
	if err := checkID(field, id); err != nil {
		return err
	}
	if _, dup := p.evidence[id]; dup {
		return conflict("evidence %s already exists", id)
	}
	return nil
}

// ReviseEvidence decides new content for an evidence, unless it was
// superseded or belongs to a submitted dossier.
func (p *Portfolio) ReviseEvidence(id string, in EvidenceInput) ([]Event, error) {
	e, err := p.liveEvidence(id)
	if err != nil {
		return nil, err
	}
	if e.SupersededBy != "" {
		return nil, conflict("evidence %s was superseded by %s", id, e.SupersededBy)
	}
	if err := p.notInSubmittedDossier(id); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{&EvidenceRevised{EvidenceID: id, Kind: in.Kind, File: in.File, ContentHash: in.ContentHash(), Personal: in.Text}}, nil
}

// WithdrawEvidence decides the withdrawal of an evidence, unless it
// belongs to a submitted dossier (then it can only be superseded).
func (p *Portfolio) WithdrawEvidence(id string) ([]Event, error) {
	if _, err := p.liveEvidence(id); err != nil {
		return nil, err
	}
	if err := p.notInSubmittedDossier(id); err != nil {
		return nil, err
	}
	return []Event{&EvidenceWithdrawn{EvidenceID: id}}, nil
}

// SupersedeEvidence decides a new evidence newID, on the same target,
// that replaces evidence id; the old one keeps existing. It is allowed
// even if the target was removed since, so that evidence of a submitted
// dossier can always be corrected.
func (p *Portfolio) SupersedeEvidence(id, newID string, in EvidenceInput) ([]Event, error) {
	old, err := p.liveEvidence(id)
	if err != nil {
		return nil, err
	}
	if old.SupersededBy != "" {
		return nil, conflict("evidence %s was already superseded by %s", id, old.SupersededBy)
	}
	if err := p.newEvidenceID("new_evidence_id", newID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return []Event{attached(newID, old.Target, in), &EvidenceSuperseded{EvidenceID: id, SupersededBy: newID}}, nil
}

// liveEvidence returns an evidence that was not withdrawn.
func (p *Portfolio) liveEvidence(id string) (*Evidence, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	e, ok := p.evidence[id]
	if !ok || e.Withdrawn {
		return nil, notFound("evidence_id", "no evidence %s", id)
	}
	return e, nil
}

func (p *Portfolio) notInSubmittedDossier(id string) error {
	if d := p.dossierUsing(ItemRef{Kind: ItemEvidence, ID: id}); d != "" {
		return conflict("evidence %s belongs to submitted dossier %s: supersede it instead", id, d)
	}
	return nil
}

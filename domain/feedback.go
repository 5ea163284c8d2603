package domain

import "time"

// Feedback events: comments and attestations.
type (
	CommentAdded struct {
		CommentID string      `json:"comment_id"`
		Target    ItemRef     `json:"target"`
		Author    string      `json:"author"`
		Role      Role        `json:"role"`
		At        time.Time   `json:"at"`
		Personal  CommentText `json:"-"`
	}
	// AttestationRecorded binds a tutor's statement to the content hash of
	// the evidence it speaks of (none for a task).
	AttestationRecorded struct {
		AttestationID string      `json:"attestation_id"`
		Target        ItemRef     `json:"target"`
		Tutor         string      `json:"tutor"`
		At            time.Time   `json:"at"`
		ContentHash   string      `json:"-"` // sealed with the statement
		Personal      CommentText `json:"-"`
	}
)

func (CommentAdded) EventType() string        { return "CommentAdded" }
func (AttestationRecorded) EventType() string { return "AttestationRecorded" }

func (e *CommentAdded) PersonalPart() any { return &e.Personal }
func (e *AttestationRecorded) PersonalPart() any {
	return &sealedAttestation{Statement: &e.Personal, ContentHash: &e.ContentHash}
}

// sealedAttestation is the personal part of an attestation: the statement
// and the content hash of the evidence it binds to.
type sealedAttestation struct {
	Statement   *CommentText `json:"statement"`
	ContentHash *string      `json:"content_hash,omitempty"`
}

func (e *CommentAdded) applyTo(p *Portfolio) {
	p.comments[e.CommentID] = &Comment{ID: e.CommentID, Target: e.Target, Author: e.Author, Role: e.Role, At: e.At, Personal: e.Personal}
}
func (e *AttestationRecorded) applyTo(p *Portfolio) {
	p.attestations[e.AttestationID] = &Attestation{ID: e.AttestationID, Target: e.Target, Tutor: e.Tutor, At: e.At,
		ContentHash: e.ContentHash, Personal: e.Personal}
}

var feedbackEvents = []EventSpec{
	{Type: "CommentAdded", Version: 1, New: func() Event { return &CommentAdded{} }},
	{Type: "AttestationRecorded", Version: 1, New: func() Event { return &AttestationRecorded{} }},
}

// AttestationStatus says whether what a tutor attested still stands as
// they saw it.
type AttestationStatus string

const (
	AttestationCurrent    AttestationStatus = "current"
	AttestationChanged    AttestationStatus = "changed"    // the evidence's content changed since
	AttestationSuperseded AttestationStatus = "superseded" // the evidence was replaced by another
	AttestationWithdrawn  AttestationStatus = "withdrawn"  // the evidence was withdrawn, or the task removed
)

// Status tells whether the attested evidence is still there with the
// content hash it had when attested (or the attested task still there).
func (a *Attestation) Status(p *Portfolio) AttestationStatus {
	if a.Target.Kind != ItemEvidence {
		if p.Has(a.Target) {
			return AttestationCurrent
		}
		return AttestationWithdrawn
	}
	e := p.evidence[a.Target.ID]
	switch {
	case e == nil || e.Withdrawn:
		return AttestationWithdrawn
	case e.SupersededBy != "":
		return AttestationSuperseded
	case e.ContentHash != a.ContentHash:
		return AttestationChanged
	}
	return AttestationCurrent
}

// Current reports whether the attestation still speaks of what is there.
func (a *Attestation) Current(p *Portfolio) bool { return a.Status(p) == AttestationCurrent }

func checkItemKind(k ItemKind) error {
	switch k {
	case ItemExperience, ItemTask, ItemCompetence, ItemEvidence, ItemGoal, ItemJournal, ItemDossier, ItemAttestation:
		return nil
	}
	return invalid("target.kind", "is not a kind of item")
}

// AddComment decides a comment by author, acting in role, on an existing
// item (the command layer checked that they may).
func (p *Portfolio) AddComment(id string, target ItemRef, author string, role Role, text CommentText, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("comment_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.comments[id]; dup {
		return nil, conflict("comment %s already exists", id)
	}
	if err := checkItemKind(target.Kind); err != nil {
		return nil, err
	}
	if !p.Has(target) {
		return nil, notFound("target", "no %s %s", target.Kind, target.ID)
	}
	if err := checkText("text", text.Text, 1, 5000); err != nil {
		return nil, err
	}
	return []Event{&CommentAdded{CommentID: id, Target: target, Author: author, Role: role, At: now, Personal: text}}, nil
}

// Attest decides a tutor's attestation of a live evidence (bound to its
// current content hash) or of a task.
func (p *Portfolio) Attest(id string, target ItemRef, tutor string, statement CommentText, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("attestation_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.attestations[id]; dup {
		return nil, conflict("attestation %s already exists", id)
	}
	if target.Kind != ItemEvidence && target.Kind != ItemTask {
		return nil, invalid("target.kind", "must be evidence or task")
	}
	if !p.Has(target) {
		return nil, notFound("target", "no %s %s", target.Kind, target.ID)
	}
	hash := ""
	if target.Kind == ItemEvidence {
		e := p.evidence[target.ID]
		if e.SupersededBy != "" {
			return nil, conflict("evidence %s was superseded by %s: attest that one", target.ID, e.SupersededBy)
		}
		hash = e.ContentHash
	}
	if err := checkText("statement", statement.Text, 1, 5000); err != nil {
		return nil, err
	}
	return []Event{&AttestationRecorded{AttestationID: id, Target: target, Tutor: tutor, At: now, ContentHash: hash, Personal: statement}}, nil
}

package auditlog

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
)

// DossierView is dossier.json: a VAE dossier as the events show it, for
// machines (dossier.html shows the same to people).
type DossierView struct {
	Format            string               `json:"format"` // "parcours.dossier.v1"
	PortfolioID       string               `json:"portfolio_id"`
	Owner             string               `json:"owner"`
	Tenant            string               `json:"tenant"`
	DossierID         string               `json:"dossier_id"`
	Certification     domain.Certification `json:"certification"`
	State             domain.DossierState  `json:"state"`
	Submission        EventRef             `json:"submission"`
	SubmittedRevision uint64               `json:"submitted_revision"`
	// Erased is set when the owner's personal data was erased: texts and
	// files can no longer be shown, the rest still verifies.
	Erased       bool              `json:"erased,omitempty"`
	Blocks       []BlockView       `json:"blocks"`
	Experiences  []ExperienceView  `json:"experiences"`
	Evidence     []EvidenceView    `json:"evidence"`
	Attestations []AttestationView `json:"attestations"`
	Comments     []CommentView     `json:"comments"`
	Stream       StreamView        `json:"stream"`
	Log          LogView           `json:"log"`
}

type BlockView struct {
	Code        string                   `json:"code"`
	Title       string                   `json:"title"`
	Competences []domain.BlockCompetence `json:"competences"`
	Items       []domain.ItemRef         `json:"items"`
	Decision    domain.BlockDecision     `json:"decision,omitempty"`
	Evidence    int                      `json:"evidence"`
	Attested    int                      `json:"attested"`
	Lacks       []string                 `json:"lacks,omitempty"`
}

type ExperienceView struct {
	ID         string                 `json:"id"`
	Kind       domain.ExperienceKind  `json:"kind"`
	Context    domain.LearningContext `json:"context"`
	From       domain.Date            `json:"from,omitempty"`
	To         domain.Date            `json:"to,omitempty"`
	Occupation string                 `json:"occupation,omitempty"`
	Removed    bool                   `json:"removed,omitempty"`
	Text       domain.ExperienceText  `json:"text"`
	Tasks      []TaskView             `json:"tasks"`
	Event      EventRef               `json:"event"`
}

type TaskView struct {
	ID    string          `json:"id"`
	Text  domain.TaskText `json:"text"`
	Event EventRef        `json:"event"`
}

type EvidenceView struct {
	ID           string              `json:"id"`
	Target       domain.ItemRef      `json:"target"`
	Kind         domain.EvidenceKind `json:"kind"`
	Text         domain.EvidenceText `json:"text"`
	File         *domain.FileRef     `json:"file,omitempty"`
	Path         string              `json:"path,omitempty"` // the file in the bundle
	ContentHash  string              `json:"content_hash"`
	Withdrawn    bool                `json:"withdrawn,omitempty"`
	SupersededBy string              `json:"superseded_by,omitempty"`
	// ChangedAfterSubmission: its content was set after the submission.
	ChangedAfterSubmission bool     `json:"changed_after_submission,omitempty"`
	Event                  EventRef `json:"event"`
}

type AttestationView struct {
	ID          string                   `json:"id"`
	Target      domain.ItemRef           `json:"target"`
	Tutor       string                   `json:"tutor"`
	At          time.Time                `json:"at"`
	Statement   string                   `json:"statement"`
	ContentHash string                   `json:"content_hash,omitempty"`
	Status      domain.AttestationStatus `json:"status"`
	Event       EventRef                 `json:"event"`
}

type CommentView struct {
	ID     string         `json:"id"`
	Target domain.ItemRef `json:"target"`
	Author string         `json:"author"`
	Role   domain.Role    `json:"role"`
	At     time.Time      `json:"at"`
	Text   string         `json:"text"`
	Event  EventRef       `json:"event"`
}

// StreamView is the portfolio stream as the bundle holds it.
type StreamView struct {
	Name         string `json:"name"`
	Events       int    `json:"events"`
	HeadRevision uint64 `json:"head_revision"`
	HeadHash     string `json:"head_hash"`
}

// LogView is where the bundle's events stand in the signed log.
type LogView struct {
	Origin         string    `json:"origin"`
	PublicKey      string    `json:"public_key"`
	TreeSize       int64     `json:"tree_size"`
	SignedAt       time.Time `json:"signed_at"`
	SubmissionLeaf int64     `json:"submission_leaf"`
	AnchorTreeSize int64     `json:"anchor_tree_size"`
	AnchorSignedAt time.Time `json:"anchor_signed_at"`
}

// view reads dossier id off the fold.
func (f *fold) view(id string, s selection, lv LogView) (v *DossierView, err error) {
	defer func() { // see foldEvents
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("the dossier cannot be read from the events: %v", r)
		}
	}()
	d := f.p.Dossiers()[id]
	if d == nil {
		return nil, fmt.Errorf("the events hold no dossier %s", id)
	}
	if f.submission == nil || (d.State != domain.DossierSubmitted && d.State != domain.DossierDecided) {
		return nil, fmt.Errorf("dossier %s was not submitted", id)
	}
	v = &DossierView{Format: "parcours.dossier.v1", PortfolioID: f.p.ID(), Owner: f.p.Owner(), Tenant: f.p.Tenant(), DossierID: id,
		Certification: d.Certification, State: d.State, Submission: *f.submission, SubmittedRevision: d.SubmittedRevision, Erased: f.erased,
		Stream: StreamView{Name: f.head.Stream, Events: int(f.head.Revision) + 1, HeadRevision: f.head.Revision, HeadHash: f.head.Hash.String()},
		Log:    lv}
	progress, _ := f.p.DossierProgress(id)
	for i, b := range d.Certification.Blocks {
		bv := BlockView{Code: b.Code, Title: b.Title, Competences: b.Competences, Items: d.Mapping[b.Code], Decision: d.Decisions[b.Code]}
		if i < len(progress) {
			bv.Evidence, bv.Attested, bv.Lacks = progress[i].Evidence, progress[i].Attested, progress[i].Lacks()
		}
		v.Blocks = append(v.Blocks, bv)
	}
	for _, x := range s.experiences {
		v.Experiences = append(v.Experiences, f.experienceView(x, s.tasks))
	}
	for _, e := range s.evidence {
		v.Evidence = append(v.Evidence, f.evidenceView(e, d.SubmittedRevision))
	}
	for _, a := range s.attestations {
		at := f.p.Attestations()[a]
		v.Attestations = append(v.Attestations, AttestationView{ID: a, Target: at.Target, Tutor: at.Tutor, At: at.At, Statement: at.Personal.Text,
			ContentHash: at.ContentHash, Status: at.Status(f.p), Event: f.content[domain.ItemRef{Kind: domain.ItemAttestation, ID: a}]})
	}
	for _, c := range s.comments {
		cm := f.p.Comments()[c]
		v.Comments = append(v.Comments, CommentView{ID: c, Target: cm.Target, Author: cm.Author, Role: cm.Role, At: cm.At,
			Text: cm.Personal.Text, Event: f.content[domain.ItemRef{Kind: commentKind, ID: c}]})
	}
	slices.SortStableFunc(v.Comments, func(a, b CommentView) int { return a.At.Compare(b.At) })
	return v, nil
}

func (f *fold) experienceView(id string, tasks []string) ExperienceView {
	x := f.p.Experiences()[id]
	if x == nil {
		return ExperienceView{ID: id, Removed: true}
	}
	v := ExperienceView{ID: id, Kind: x.Kind, Context: x.Context, From: x.From, To: x.To, Occupation: x.Occupation, Removed: x.Removed,
		Text: x.Personal, Tasks: []TaskView{}, Event: f.content[domain.ItemRef{Kind: domain.ItemExperience, ID: id}]}
	for _, t := range tasks {
		exp, task, _ := strings.Cut(t, "/")
		if exp != id {
			continue
		}
		v.Tasks = append(v.Tasks, TaskView{ID: task, Text: x.Tasks[task].Personal, Event: f.content[domain.ItemRef{Kind: domain.ItemTask, ID: t}]})
	}
	return v
}

func (f *fold) evidenceView(id string, submitted uint64) EvidenceView {
	e := f.p.Evidence()[id]
	if e == nil {
		return EvidenceView{ID: id, Withdrawn: true}
	}
	ref := f.content[domain.ItemRef{Kind: domain.ItemEvidence, ID: id}]
	v := EvidenceView{ID: id, Target: e.Target, Kind: e.Kind, Text: e.Personal, File: e.File, ContentHash: e.ContentHash,
		Withdrawn: e.Withdrawn, SupersededBy: e.SupersededBy, ChangedAfterSubmission: ref.Revision > submitted, Event: ref}
	if e.Kind == domain.EvidenceOfFile && e.File != nil {
		v.Path = filesDir + id + fileExt(e.Personal.FileName)
	}
	return v
}

// fileExt keeps a short, plain extension of a file name, so that the
// bundle's file opens with the right program; the name itself stays in
// the dossier, never in a zip path.
func fileExt(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if len(ext) < 2 || len(ext) > 10 {
		return ""
	}
	for _, c := range ext[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return ext
}

package projections

import (
	"time"

	"github.com/parcours/parcours/domain"
)

// Views of portfolio items, as the CV, the recruiter page and the VAE
// dossier show them. Personal text is opened when the query answers; once
// the owner is erased it is empty and Erased is set. Evidence, Attestations
// and Comments inside an item are filled by the dossier only.

// PersonView names a person as their structure enrolled them.
type PersonView struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Erased bool   `json:"erased,omitempty"`
}

// ExperienceView is an experience with its live tasks.
type ExperienceView struct {
	ID           string                 `json:"id"`
	Kind         domain.ExperienceKind  `json:"kind"`
	Context      domain.LearningContext `json:"context"`
	From         domain.Date            `json:"from,omitempty"`
	To           domain.Date            `json:"to,omitempty"`
	Occupation   string                 `json:"occupation,omitempty"`
	Title        string                 `json:"title,omitempty"`
	Place        string                 `json:"place,omitempty"`
	Organisation string                 `json:"organisation,omitempty"`
	Description  string                 `json:"description,omitempty"`
	Erased       bool                   `json:"erased,omitempty"`
	Tasks        []TaskView             `json:"tasks,omitempty"`
	Evidence     []EvidenceView         `json:"evidence,omitempty"`
	Comments     []CommentView          `json:"comments,omitempty"`
}

// TaskView is a task; its ID is "EXPERIENCE/TASK".
type TaskView struct {
	ID           string            `json:"id"`
	Title        string            `json:"title,omitempty"`
	Description  string            `json:"description,omitempty"`
	Erased       bool              `json:"erased,omitempty"`
	Evidence     []EvidenceView    `json:"evidence,omitempty"`
	Attestations []AttestationView `json:"attestations,omitempty"`
	Comments     []CommentView     `json:"comments,omitempty"`
}

// CompetenceView is a competence with its framework reference and the
// state it is in (derived as domain.Competence.State does).
type CompetenceView struct {
	ID          string                 `json:"id"`
	Framework   *domain.FrameworkRef   `json:"framework,omitempty"`
	Name        string                 `json:"name,omitempty"`
	Description string                 `json:"description,omitempty"`
	Erased      bool                   `json:"erased,omitempty"`
	State       domain.CompetenceState `json:"state"`
	SelfLevel   int                    `json:"self_level,omitempty"`
	Experiences []string               `json:"experiences,omitempty"`
	Tasks       []string               `json:"tasks,omitempty"`
	Assessments []AssessmentView       `json:"assessments,omitempty"`
	Validation  *ValidationView        `json:"validation,omitempty"`
	Evidence    []EvidenceView         `json:"evidence,omitempty"`
	Comments    []CommentView          `json:"comments,omitempty"`
}

// AssessmentView is a counsellor's or a tutor's verdict on a competence.
type AssessmentView struct {
	By      PersonView              `json:"by"`
	Role    domain.Role             `json:"role"`
	Result  domain.AssessmentResult `json:"result"`
	At      time.Time               `json:"at"`
	Comment string                  `json:"comment,omitempty"`
	Erased  bool                    `json:"erased,omitempty"`
}

// ValidationView says who validated a competence, in which role, when.
type ValidationView struct {
	By   PersonView  `json:"by"`
	Role domain.Role `json:"role"`
	At   time.Time   `json:"at"`
}

// EvidenceView is a piece of evidence with what it shows: its content
// hash, and its file reference for a file.
type EvidenceView struct {
	ID           string              `json:"id"`
	Target       domain.ItemRef      `json:"target"`
	Kind         domain.EvidenceKind `json:"kind"`
	ContentHash  string              `json:"content_hash,omitempty"`
	File         *domain.FileRef     `json:"file,omitempty"`
	Title        string              `json:"title,omitempty"`
	Text         string              `json:"text,omitempty"`
	URL          string              `json:"url,omitempty"`
	FileName     string              `json:"file_name,omitempty"`
	Erased       bool                `json:"erased,omitempty"`
	Withdrawn    bool                `json:"withdrawn,omitempty"`
	SupersededBy string              `json:"superseded_by,omitempty"`
	Attestations []AttestationView   `json:"attestations,omitempty"`
	Comments     []CommentView       `json:"comments,omitempty"`
}

// Live reports whether the evidence still stands.
func (v EvidenceView) Live() bool { return !v.Withdrawn && v.SupersededBy == "" }

// AttestationView is a tutor's attestation and whether what it attests is
// still there as the tutor saw it (domain.Attestation.Status); Status is
// empty when that cannot be told any more because the owner was erased.
type AttestationView struct {
	ID          string                   `json:"id"`
	Target      domain.ItemRef           `json:"target"`
	Tutor       PersonView               `json:"tutor"`
	At          time.Time                `json:"at"`
	Statement   string                   `json:"statement,omitempty"`
	ContentHash string                   `json:"content_hash,omitempty"`
	Status      domain.AttestationStatus `json:"status,omitempty"`
	Erased      bool                     `json:"erased,omitempty"`
}

// CommentView is a comment on an item.
type CommentView struct {
	ID     string         `json:"id"`
	Target domain.ItemRef `json:"target"`
	Author PersonView     `json:"author"`
	Role   domain.Role    `json:"role"`
	At     time.Time      `json:"at"`
	Text   string         `json:"text,omitempty"`
	Erased bool           `json:"erased,omitempty"`
}

// GoalView is a goal with its milestones (removed ones left out).
type GoalView struct {
	ID          string          `json:"id"`
	Kind        domain.GoalKind `json:"kind"`
	Target      domain.Date     `json:"target"`
	Achieved    domain.Date     `json:"achieved,omitempty"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	Erased      bool            `json:"erased,omitempty"`
	Milestones  []MilestoneView `json:"milestones,omitempty"`
}

// MilestoneView is one milestone of a goal.
type MilestoneView struct {
	ID      string      `json:"id"`
	Due     domain.Date `json:"due"`
	Reached domain.Date `json:"reached,omitempty"`
	Title   string      `json:"title,omitempty"`
	Erased  bool        `json:"erased,omitempty"`
}

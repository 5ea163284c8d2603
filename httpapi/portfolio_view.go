package httpapi

import (
	"sort"
	"time"

	"github.com/parcours/parcours/domain"
)

// PortfolioView is a portfolio as its reader may see it: everything for
// the owner and assigned counsellors (administrative documents only when
// shared), only the items in scope for a tutor.
type PortfolioView struct {
	ID           string            `json:"id"`
	Owner        string            `json:"owner"`
	Revision     uint64            `json:"revision"`
	Counsellors  []string          `json:"counsellors,omitempty"`
	Grants       []GrantView       `json:"grants,omitempty"`
	Experiences  []ExperienceView  `json:"experiences"`
	Competences  []CompetenceView  `json:"competences"`
	Evidence     []EvidenceView    `json:"evidence"`
	Comments     []CommentView     `json:"comments"`
	Attestations []AttestationView `json:"attestations"`
	Goals        []GoalView        `json:"goals,omitempty"`
	Journal      []JournalView     `json:"journal,omitempty"`
	Documents    []DocumentView    `json:"documents,omitempty"`
	CVs          []NamedView       `json:"cvs,omitempty"`
	Pages        []PageView        `json:"pages,omitempty"`
	Dossiers     []DossierSummary  `json:"dossiers,omitempty"`
}

type GrantView struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Grantee     string    `json:"grantee"`
	AllItems    bool      `json:"all_items,omitempty"`
	Experiences []string  `json:"experiences,omitempty"`
	Competences []string  `json:"competences,omitempty"`
	DossierID   string    `json:"dossier_id,omitempty"`
	Until       time.Time `json:"until,omitzero"`
	Revoked     bool      `json:"revoked,omitempty"`
}

type ExperienceView struct {
	ID         string                `json:"id"`
	Kind       string                `json:"kind"`
	Context    string                `json:"context"`
	From       string                `json:"from,omitempty"`
	To         string                `json:"to,omitempty"`
	Occupation string                `json:"occupation,omitempty"`
	Text       domain.ExperienceText `json:"text"`
	Tasks      []TaskView            `json:"tasks,omitempty"`
}

type TaskView struct {
	ID   string          `json:"id"`
	Text domain.TaskText `json:"text"`
}

type CompetenceView struct {
	ID          string                `json:"id"`
	Framework   *domain.FrameworkRef  `json:"framework,omitempty"`
	State       string                `json:"state"`
	SelfLevel   int                   `json:"self_level,omitempty"`
	Experiences []string              `json:"experiences,omitempty"`
	Tasks       []string              `json:"tasks,omitempty"`
	Text        domain.CompetenceText `json:"text"`
	Assessments []AssessmentView      `json:"assessments,omitempty"`
	ValidatedBy string                `json:"validated_by,omitempty"`
}

type AssessmentView struct {
	By      string    `json:"by"`
	Role    string    `json:"role"`
	Result  string    `json:"result"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
}

type EvidenceView struct {
	ID           string              `json:"id"`
	Target       domain.ItemRef      `json:"target"`
	Kind         string              `json:"kind"`
	File         *domain.FileRef     `json:"file,omitempty"`
	ContentHash  string              `json:"content_hash,omitempty"`
	Live         bool                `json:"live"`
	SupersededBy string              `json:"superseded_by,omitempty"`
	Text         domain.EvidenceText `json:"text"`
}

type CommentView struct {
	ID     string         `json:"id"`
	Target domain.ItemRef `json:"target"`
	Author string         `json:"author"`
	Role   string         `json:"role"`
	At     time.Time      `json:"at"`
	Text   string         `json:"text"`
}

type AttestationView struct {
	ID        string         `json:"id"`
	Target    domain.ItemRef `json:"target"`
	Tutor     string         `json:"tutor"`
	At        time.Time      `json:"at"`
	Status    string         `json:"status"`
	Statement string         `json:"statement"`
}

type GoalView struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Target     string          `json:"target"`
	Achieved   bool            `json:"achieved,omitempty"`
	Title      string          `json:"title"`
	Milestones []MilestoneView `json:"milestones,omitempty"`
}

type MilestoneView struct {
	ID      string `json:"id"`
	Due     string `json:"due"`
	Reached string `json:"reached,omitempty"`
	Overdue bool   `json:"overdue,omitempty"`
	Title   string `json:"title"`
}

type JournalView struct {
	ID     string `json:"id"`
	Day    string `json:"day"`
	Author string `json:"author"`
	Role   string `json:"role"`
	Text   string `json:"text"`
}

type DocumentView struct {
	ID     string              `json:"id"`
	Kind   string              `json:"kind"`
	Shared bool                `json:"shared"`
	File   domain.FileRef      `json:"file"`
	Text   domain.DocumentText `json:"text"`
}

type NamedView struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type PageView struct {
	ID    string          `json:"id"`
	Title string          `json:"title"`
	Items int             `json:"items"`
	Links []ShareLinkView `json:"links,omitempty"`
}

// ShareLinkView never holds the token: it was shown once, at publication.
type ShareLinkView struct {
	ID      string    `json:"id"`
	Until   time.Time `json:"until,omitzero"`
	Public  bool      `json:"public,omitempty"`
	Revoked bool      `json:"revoked,omitempty"`
}

type DossierSummary struct {
	ID       string `json:"id"`
	RNCPCode string `json:"rncp_code"`
	Title    string `json:"title"`
	State    string `json:"state"`
}

// sortedKeys returns a map's keys in order, for stable answers.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

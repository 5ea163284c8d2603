package domain

import "time"

// The state of portfolio items. Fields under Personal are personal data:
// sealed in events with the owner's key, empty once the owner is erased.

// Experience is something the beneficiary did: work, volunteering,
// personal life, leisure, training.
type Experience struct {
	ID         string
	Kind       ExperienceKind
	Context    LearningContext
	From, To   Date
	Occupation string // ROME code ("ROME:K1201") or ESCO occupation URI, optional
	Removed    bool
	Tasks      map[string]*Task
	Personal   ExperienceText
}

type ExperienceKind string
type LearningContext string

const (
	KindProfessional ExperienceKind = "professional"
	KindVolunteer    ExperienceKind = "volunteer"
	KindPersonal     ExperienceKind = "personal"
	KindLeisure      ExperienceKind = "leisure"
	KindTraining     ExperienceKind = "training"

	ContextFormal    LearningContext = "formal"
	ContextNonFormal LearningContext = "non_formal"
	ContextInformal  LearningContext = "informal"
)

// ExperienceText is the personal part of an experience.
type ExperienceText struct {
	Title        string `json:"title"`
	Place        string `json:"place,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Task is one task carried out within an experience.
type Task struct {
	ID       string
	Removed  bool
	Personal TaskText
}

type TaskText struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// FrameworkRef points to an element of a reference framework: an RNCP
// certification block or competence ("RNCP37849", "BC01"), a ROME code, or
// an ESCO skill URI (framework "ESCO", code the URI).
type FrameworkRef struct {
	Framework string `json:"framework"`
	Code      string `json:"code"`
}

// CompetenceState is where a competence stands.
type CompetenceState string

const (
	CompetenceDeclared  CompetenceState = "declared"
	CompetenceEvidenced CompetenceState = "evidenced"
	CompetenceAssessed  CompetenceState = "assessed"
	CompetenceValidated CompetenceState = "validated"
)

// AssessmentResult is an assessor's verdict.
type AssessmentResult string

const (
	ResultNotYet   AssessmentResult = "not_yet"
	ResultPartly   AssessmentResult = "partly"
	ResultAcquired AssessmentResult = "acquired"
)

// Competence is a named skill, possibly linked to a framework element.
type Competence struct {
	ID          string
	Framework   *FrameworkRef
	Experiences []string
	Tasks       []string // "EXPERIENCE/TASK"
	SelfLevel   int      // 0 (not said) or 1..4
	Assessments []Assessment
	Validation  *Validation
	Personal    CompetenceText
}

type CompetenceText struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Assessment of a competence by a counsellor, a tutor or a jury.
type Assessment struct {
	By       string
	Role     Role
	Result   AssessmentResult
	At       time.Time
	Personal CommentText
}

// Validation records who validated a competence, in which role, when.
type Validation struct {
	By   string
	Role Role
	At   time.Time
}

// EvidenceKind is the form of a piece of evidence.
type EvidenceKind string

const (
	EvidenceOfText EvidenceKind = "text"
	EvidenceOfLink EvidenceKind = "link"
	EvidenceOfFile EvidenceKind = "file"
)

// FileRef describes a stored file (content is in the file store,
// encrypted). SHA256 is of the plaintext.
type FileRef struct {
	FileID    string `json:"file_id"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
}

// Evidence illustrates a competence, an experience or a task.
type Evidence struct {
	ID           string
	Target       ItemRef
	Kind         EvidenceKind
	File         *FileRef
	ContentHash  string // SHA-256 (hex) of what the evidence shows: the file, or the text or link
	Withdrawn    bool
	SupersededBy string
	Personal     EvidenceText
}

type EvidenceText struct {
	Title    string `json:"title"`
	Text     string `json:"text,omitempty"`
	URL      string `json:"url,omitempty"`
	FileName string `json:"file_name,omitempty"`
}

// Comment on any item, by the owner, a counsellor or a tutor.
type Comment struct {
	ID       string
	Target   ItemRef
	Author   string
	Role     Role
	At       time.Time
	Personal CommentText
}

type CommentText struct {
	Text string `json:"text"`
}

// Attestation by a tutor, bound to the exact evidence (its content hash)
// or task it speaks of.
type Attestation struct {
	ID          string
	Target      ItemRef
	Tutor       string
	At          time.Time
	ContentHash string // the evidence's content hash when attested ("" for a task)
	Personal    CommentText
}

// GoalKind is what a goal is about.
type GoalKind string

const (
	GoalTraining  GoalKind = "training"
	GoalJobSearch GoalKind = "job_search"
	GoalBusiness  GoalKind = "business_creation"
	GoalOther     GoalKind = "other"
)

// Goal with a target date and a retroplanning of milestones.
type Goal struct {
	ID         string
	Kind       GoalKind
	Target     Date
	Achieved   bool
	Milestones map[string]*Milestone
	Personal   GoalText
}

type GoalText struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Milestone of a goal; overdue is derived (Overdue), not stored.
type Milestone struct {
	ID       string
	Due      Date
	Reached  Date // "" until reached
	Removed  bool
	Personal MilestoneText
}

type MilestoneText struct {
	Title string `json:"title"`
}

// Overdue reports whether the milestone is past due and not reached on day
// today.
func (m *Milestone) Overdue(today Date) bool {
	return !m.Removed && m.Reached == "" && m.Due != "" && string(m.Due) < string(today)
}

// JournalEntry is a dated logbook entry shared by the owner and their
// counsellors.
type JournalEntry struct {
	ID       string
	Author   string
	Role     Role
	Day      Date
	Personal CommentText
}

// DocumentKind is the kind of an administrative document.
type DocumentKind string

const (
	DocumentID          DocumentKind = "id"
	DocumentCertificate DocumentKind = "certificate"
	DocumentContract    DocumentKind = "contract"
	DocumentOther       DocumentKind = "other"
)

// Document of the administrative folder, private to the owner unless
// shared with their counsellors.
type Document struct {
	ID       string
	Kind     DocumentKind
	File     FileRef
	Shared   bool
	Removed  bool
	Personal DocumentText
}

type DocumentText struct {
	Title    string `json:"title"`
	FileName string `json:"file_name,omitempty"`
}

// CV is a titled selection for one target job.
type CV struct {
	ID          string
	Experiences []string
	Competences []string
	Education   []string // experiences of kind training
	Removed     bool
	Personal    CVText
}

type CVText struct {
	Title     string `json:"title"`
	TargetJob string `json:"target_job,omitempty"`
	Summary   string `json:"summary,omitempty"`
}

// Page is a selection of items that can be published with share links.
type Page struct {
	ID       string
	Items    []ItemRef
	Links    map[string]*ShareLink
	Removed  bool
	Personal PageText
}

type PageText struct {
	Title string `json:"title"`
	Intro string `json:"intro,omitempty"`
}

// ShareLink publishes a page to whoever holds its token; only the token's
// SHA-256 is stored.
type ShareLink struct {
	ID        string
	TokenHash string // hex SHA-256 of the token
	Until     time.Time
	Public    bool // listed publicly (indexable)
	Revoked   bool
	Personal  LinkText
}

type LinkText struct {
	Recipient string `json:"recipient,omitempty"`
}

// Active reports whether the link opens the page at now.
func (l *ShareLink) Active(now time.Time) bool {
	return !l.Revoked && (l.Until.IsZero() || now.Before(l.Until))
}

// DossierState is where a VAE dossier stands.
type DossierState string

const (
	DossierOpened                 DossierState = "opened"
	DossierAdmissibilityRequested DossierState = "admissibility_requested"
	DossierAdmissible             DossierState = "admissible"
	DossierInadmissible           DossierState = "inadmissible"
	DossierSubmitted              DossierState = "submitted"
	DossierDecided                DossierState = "decided"
)

// BlockDecision is the jury's decision on one block.
type BlockDecision string

const (
	BlockValidated    BlockDecision = "validated"
	BlockPartly       BlockDecision = "partly"
	BlockNotValidated BlockDecision = "not_validated"
)

// Certification is an RNCP certification as the dossier defines it (inline
// for now): its code, title, blocks and their competences.
type Certification struct {
	RNCPCode string  `json:"rncp_code"`
	Title    string  `json:"title"`
	Blocks   []Block `json:"blocks"`
}

type Block struct {
	Code        string            `json:"code"`
	Title       string            `json:"title"`
	Competences []BlockCompetence `json:"competences"`
}

type BlockCompetence struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Dossier is a VAE validation dossier for one certification.
type Dossier struct {
	ID            string
	Certification Certification
	State         DossierState
	// Mapping: block code → the experiences and evidence that support it.
	Mapping map[string][]ItemRef
	// SubmittedRevision is the portfolio stream's revision at submission:
	// the submitted state stays provable.
	SubmittedRevision uint64
	SubmittedAt       time.Time
	Admissible        *bool
	Decisions         map[string]BlockDecision
}

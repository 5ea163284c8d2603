package projections_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// story is an env (seeded: structure s-ml, Zoé followed by Karim) with
// an auditor and a second counsellor, the read-model queries, and callers
// for each role; its helpers issue commands on Zoé's portfolio.
type story struct {
	*env
	q                                  *projections.Queries
	op, admin, zoe, cons, cons2, tutor commands.Call
}

const zoe = "p-zoe"

func newStory(t *testing.T) *story {
	t.Helper()
	return storyOn(newEnv(t))
}

// storyOn makes a story of env e (read models in SQLite or PostgreSQL).
func storyOn(e *env) *story {
	e.t.Helper()
	e.seed()
	call := func(id string, role domain.Role) commands.Call { return commands.Call{Actor: actor(id, role)} }
	s := &story{env: e, q: projections.NewQueries(e.db, e.codec),
		op:    commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}},
		admin: call("p-admin", domain.RoleStructureAdmin), zoe: call(zoe, domain.RoleBeneficiary),
		cons: call("p-cons", domain.RoleCounsellor), cons2: call("p-cons2", domain.RoleCounsellor), tutor: call("p-tutor", domain.RoleTutor)}
	s.must(e.h.EnrolPerson(e.ctx, s.op, commands.EnrolPerson{StructureID: "s-ml", PersonID: "p-audit", Role: domain.RoleAuditor, Name: "Claire Moreau"}))
	s.must(e.h.EnrolPerson(e.ctx, s.op, commands.EnrolPerson{StructureID: "s-ml", PersonID: "p-cons2", Role: domain.RoleCounsellor, Name: "Julie Roux"}))
	return s
}

// rebuild builds every read model from the whole log.
func (s *story) rebuild() {
	s.t.Helper()
	if err := projections.Rebuild(s.ctx, s.store, s.codec, s.db, projections.All(), nil); err != nil {
		s.t.Fatal(err)
	}
}

// later moves the clock on by d.
func (s *story) later(d time.Duration) { s.now = s.now.Add(d) }

func (s *story) today() domain.Date { return domain.DateOf(s.now) }

func item(kind domain.ItemKind, id string) domain.ItemRef { return domain.ItemRef{Kind: kind, ID: id} }

func (s *story) addExperience(id string, kind domain.ExperienceKind, title string) {
	s.t.Helper()
	s.must(s.h.AddExperience(s.ctx, s.zoe, commands.AddExperience{PortfolioID: zoe, ExperienceID: id, ExperienceInput: domain.ExperienceInput{
		Kind: kind, Context: domain.ContextFormal, From: "2024-01-08", To: "2024-06-28", Occupation: "ROME:D1106",
		Text: domain.ExperienceText{Title: title, Organisation: "Boulangerie du Port", Place: "Marseille"}}}))
}

func (s *story) addTask(exp, id, title string) {
	s.t.Helper()
	s.must(s.h.AddTask(s.ctx, s.zoe, commands.AddTask{PortfolioID: zoe, ExperienceID: exp, TaskID: id, Text: domain.TaskText{Title: title}}))
}

func (s *story) declare(id string, fw *domain.FrameworkRef, name string) {
	s.t.Helper()
	s.must(s.h.DeclareCompetence(s.ctx, s.zoe, commands.DeclareCompetence{PortfolioID: zoe, CompetenceID: id,
		CompetenceInput: domain.CompetenceInput{Framework: fw, Text: domain.CompetenceText{Name: name}}}))
}

func rncp(code string) *domain.FrameworkRef {
	return &domain.FrameworkRef{Framework: "RNCP37849", Code: code}
}

func textEvidence(title, text string) domain.EvidenceInput {
	return domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: title, Text: text}}
}

func fileEvidence(title string) domain.EvidenceInput {
	return domain.EvidenceInput{Kind: domain.EvidenceOfFile, File: &domain.FileRef{FileID: "f-1", SHA256: strings.Repeat("ab", 32), Size: 48213, MediaType: "image/jpeg"},
		Text: domain.EvidenceText{Title: title, FileName: "stand.jpg"}}
}

func (s *story) attach(id string, target domain.ItemRef, in domain.EvidenceInput) {
	s.t.Helper()
	s.must(s.h.AttachEvidence(s.ctx, s.zoe, commands.AttachEvidence{PortfolioID: zoe, EvidenceID: id, Target: target, EvidenceInput: in}))
}

func (s *story) comment(by commands.Call, id string, target domain.ItemRef, text string) {
	s.t.Helper()
	s.must(s.h.AddComment(s.ctx, by, commands.AddComment{PortfolioID: zoe, CommentID: id, Target: target, Text: domain.CommentText{Text: text}}))
}

func (s *story) attest(id string, target domain.ItemRef, text string) {
	s.t.Helper()
	s.must(s.h.Attest(s.ctx, s.tutor, commands.Attest{PortfolioID: zoe, AttestationID: id, Target: target, Statement: domain.CommentText{Text: text}}))
}

func (s *story) journal(by commands.Call, id, text string) {
	s.t.Helper()
	s.must(s.h.WriteJournalEntry(s.ctx, by, commands.WriteJournalEntry{PortfolioID: zoe, EntryID: id, Text: text}))
}

func (s *story) inviteTutor(id string, until time.Time) {
	s.t.Helper()
	s.must(s.h.InviteTutor(s.ctx, s.zoe, commands.InviteTutor{PortfolioID: zoe, GrantID: id, TutorID: "p-tutor", AllItems: true, Until: until}))
}

// certification is the RNCP certification of Zoé's dossier.
func certification() domain.Certification {
	return domain.Certification{RNCPCode: "RNCP37849", Title: "Employé polyvalent du commerce", Blocks: []domain.Block{
		{Code: "BC01", Title: "Accueillir et conseiller", Competences: []domain.BlockCompetence{{Code: "C1.1", Title: "Accueillir le client"}}},
		{Code: "BC02", Title: "Tenir la caisse", Competences: []domain.BlockCompetence{{Code: "C2.1", Title: "Encaisser"}}},
	}}
}

func (s *story) mapItem(block string, ref domain.ItemRef) {
	s.t.Helper()
	s.must(s.h.MapToBlock(s.ctx, s.zoe, commands.MapToBlock{PortfolioID: zoe, DossierID: "d-1", Block: block, Item: ref}))
}

// admit requests admissibility of d-1 and has Karim record the answer.
func (s *story) admit(admissible bool) {
	s.t.Helper()
	s.must(s.h.RequestAdmissibility(s.ctx, s.zoe, commands.RequestAdmissibility{PortfolioID: zoe, DossierID: "d-1"}))
	s.must(s.h.RecordAdmissibility(s.ctx, s.cons, commands.RecordAdmissibility{PortfolioID: zoe, DossierID: "d-1", Admissible: admissible, DecidedOn: s.today()}))
}

func (s *story) decide(block string, d domain.BlockDecision) {
	s.t.Helper()
	s.must(s.h.RecordJuryDecision(s.ctx, s.cons, commands.RecordJuryDecision{PortfolioID: zoe, DossierID: "d-1", Block: block, Decision: d, DecidedOn: s.today()}))
}

// publish shares a page; the result's ID is the link's, Secret its token.
func (s *story) publish(page string, in domain.LinkInput) commands.Result {
	s.t.Helper()
	return s.must(s.h.PublishPage(s.ctx, s.zoe, commands.PublishPage{PortfolioID: zoe, PageID: page, LinkInput: in}))
}

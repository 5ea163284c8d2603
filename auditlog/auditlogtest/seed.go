// Package auditlogtest seeds, through the real command handler, a VAE
// dossier with evidence files, attestations and comments, submitted: what
// the audit log's tests, the bundle benchmark and demos build bundles of.
package auditlogtest

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
)

// Options of SeedDossier. IDs default to a structure "s-vae", a
// beneficiary "p-zoe" and a dossier "d-1".
type Options struct {
	Tenant, Portfolio, Dossier string
	// Files is how many evidence files to attach (default 3), FileSize
	// their size in bytes (default 2 KiB).
	Files, FileSize int
	// Now is the time commands are stamped with (the handler's clock).
	Now time.Time
}

// Seeded names what SeedDossier wrote.
type Seeded struct {
	Tenant, Portfolio, Dossier string
	Beneficiary, Counsellor    domain.Actor
	Tutor, Auditor             domain.Actor
	Evidence                   []string // evidence IDs, files first, then one text
}

// Certification is the dossier's certification: two blocks.
func Certification() domain.Certification {
	return domain.Certification{RNCPCode: "RNCP37849", Title: "Employé polyvalent du commerce", Blocks: []domain.Block{
		{Code: "BC01", Title: "Accueillir et conseiller", Competences: []domain.BlockCompetence{{Code: "C1.1", Title: "Accueillir le client"}}},
		{Code: "BC02", Title: "Tenir la caisse", Competences: []domain.BlockCompetence{{Code: "C2.1", Title: "Encaisser"}}},
	}}
}

// SeedDossier registers a structure, enrols a beneficiary, a counsellor,
// a tutor and an auditor, and builds the beneficiary's VAE dossier: an
// experience with a task, evidence files (stored encrypted in files)
// attached to it, a text evidence, the tutor's attestations, the
// counsellor's comment, admissibility, the mapping of both blocks, and
// the submission. The handler's clock should read opts.Now.
func SeedDossier(ctx context.Context, h *commands.Handler, files *personaldata.Files, opts Options) (Seeded, error) {
	s := seeder{ctx: ctx, h: h, files: files, opts: withDefaults(opts)}
	return s.run()
}

func withDefaults(o Options) Options {
	if o.Tenant == "" {
		o.Tenant = "s-vae"
	}
	if o.Portfolio == "" {
		o.Portfolio = "p-zoe"
	}
	if o.Dossier == "" {
		o.Dossier = "d-1"
	}
	if o.Files <= 0 {
		o.Files = 3
	}
	if o.FileSize <= 0 {
		o.FileSize = 2048
	}
	return o
}

type seeder struct {
	ctx   context.Context
	h     *commands.Handler
	files *personaldata.Files
	opts  Options
	err   error
}

// do runs one command unless an earlier one failed.
func (s *seeder) do(what string, fn func() (commands.Result, error)) {
	if s.err != nil {
		return
	}
	if _, err := fn(); err != nil {
		s.err = fmt.Errorf("seed: %s: %w", what, err)
	}
}

func (s *seeder) run() (Seeded, error) {
	o, ctx, h := s.opts, s.ctx, s.h
	out := Seeded{Tenant: o.Tenant, Portfolio: o.Portfolio, Dossier: o.Dossier}
	operator := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	s.do("register structure", func() (commands.Result, error) {
		return h.RegisterStructure(ctx, operator, commands.RegisterStructure{StructureID: o.Tenant, Name: "Mission Locale du Vieux-Port", Seats: 10})
	})
	enrol := func(id string, role domain.Role, name string) domain.Actor {
		s.do("enrol "+id, func() (commands.Result, error) {
			return h.EnrolPerson(ctx, operator, commands.EnrolPerson{StructureID: o.Tenant, PersonID: id, Role: role, Name: name})
		})
		return domain.Actor{PersonID: id, Tenant: o.Tenant, Role: role}
	}
	admin := enrol(o.Portfolio+"-admin", domain.RoleStructureAdmin, "Awa Diallo")
	out.Counsellor = enrol(o.Portfolio+"-cons", domain.RoleCounsellor, "Karim Benali")
	out.Tutor = enrol(o.Portfolio+"-tutor", domain.RoleTutor, "Marc Petit")
	out.Auditor = enrol(o.Portfolio+"-audit", domain.RoleAuditor, "Claire Moreau")
	out.Beneficiary = enrol(o.Portfolio, domain.RoleBeneficiary, "Zoé Martin")
	as := func(a domain.Actor) commands.Call { return commands.Call{Actor: a} }
	p := o.Portfolio
	s.do("assign counsellor", func() (commands.Result, error) {
		return h.AssignCounsellor(ctx, as(admin), commands.AssignCounsellor{PortfolioID: p, CounsellorID: out.Counsellor.PersonID})
	})
	s.do("add experience", func() (commands.Result, error) {
		return h.AddExperience(ctx, as(out.Beneficiary), commands.AddExperience{PortfolioID: p, ExperienceID: "x-1", ExperienceInput: domain.ExperienceInput{
			Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2023-01-02", To: "2023-06-30", Occupation: "ROME:D1106",
			Text: domain.ExperienceText{Title: "Vendeuse en boulangerie", Organisation: "Boulangerie du Port", Place: "Marseille",
				Description: "Accueil des clients, conseil, encaissement, tenue de la caisse."}}})
	})
	s.do("add task", func() (commands.Result, error) {
		return h.AddTask(ctx, as(out.Beneficiary), commands.AddTask{PortfolioID: p, ExperienceID: "x-1", TaskID: "t-1",
			Text: domain.TaskText{Title: "Clôturer la caisse", Description: "Comptage, écarts, remise en banque."}})
	})
	out.Evidence = s.evidence(as(out.Beneficiary))
	s.feedback(out)
	s.dossier(out)
	return out, s.err
}

// evidence attaches the files, then one text.
func (s *seeder) evidence(call commands.Call) []string {
	var ids []string
	target := domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}
	for i := 0; i < s.opts.Files && s.err == nil; i++ {
		id := fmt.Sprintf("ev-f%03d", i+1)
		content := fileContent(id, s.opts.FileSize)
		ref, err := s.files.Put(s.ctx, s.opts.Portfolio, bytes.NewReader(content), int64(len(content))+1)
		if err != nil {
			s.err = fmt.Errorf("seed: store file: %w", err)
			break
		}
		in := domain.EvidenceInput{Kind: domain.EvidenceOfFile,
			File: &domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: "application/pdf"},
			Text: domain.EvidenceText{Title: fmt.Sprintf("Fiche de caisse n° %d", i+1), FileName: fmt.Sprintf("fiche-caisse-%d.pdf", i+1)}}
		s.do("attach "+id, func() (commands.Result, error) {
			return s.h.AttachEvidence(s.ctx, call, commands.AttachEvidence{PortfolioID: s.opts.Portfolio, EvidenceID: id, Target: target, EvidenceInput: in})
		})
		ids = append(ids, id)
	}
	s.do("attach text", func() (commands.Result, error) {
		return s.h.AttachEvidence(s.ctx, call, commands.AttachEvidence{PortfolioID: s.opts.Portfolio, EvidenceID: "ev-text",
			Target: domain.ItemRef{Kind: domain.ItemTask, ID: "x-1/t-1"},
			EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText,
				Text: domain.EvidenceText{Title: "Récit de la clôture", Text: "Chaque soir je compte la caisse et note les écarts."}}})
	})
	return append(ids, "ev-text")
}

func (s *seeder) feedback(out Seeded) {
	p := out.Portfolio
	s.do("invite tutor", func() (commands.Result, error) {
		return s.h.InviteTutor(s.ctx, commands.Call{Actor: out.Beneficiary}, commands.InviteTutor{PortfolioID: p, TutorID: out.Tutor.PersonID, AllItems: true})
	})
	for _, target := range []domain.ItemRef{{Kind: domain.ItemEvidence, ID: "ev-f001"}, {Kind: domain.ItemTask, ID: "x-1/t-1"}} {
		s.do("attest "+target.ID, func() (commands.Result, error) {
			return s.h.Attest(s.ctx, commands.Call{Actor: out.Tutor}, commands.Attest{PortfolioID: p, Target: target,
				Statement: domain.CommentText{Text: "J'atteste avoir vu Zoé tenir la caisse seule, avec rigueur."}})
		})
	}
	s.do("comment", func() (commands.Result, error) {
		return s.h.AddComment(s.ctx, commands.Call{Actor: out.Counsellor}, commands.AddComment{PortfolioID: p,
			Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}, Text: domain.CommentText{Text: "Expérience solide pour le bloc 2."}})
	})
}

func (s *seeder) dossier(out Seeded) {
	p, d, ctx, h := out.Portfolio, out.Dossier, s.ctx, s.h
	bene, cons := commands.Call{Actor: out.Beneficiary}, commands.Call{Actor: out.Counsellor}
	s.do("open dossier", func() (commands.Result, error) {
		return h.OpenDossier(ctx, bene, commands.OpenDossier{PortfolioID: p, DossierID: d, Certification: Certification()})
	})
	s.do("grant auditor", func() (commands.Result, error) {
		return h.GrantAuditor(ctx, bene, commands.GrantAuditor{PortfolioID: p, AuditorID: out.Auditor.PersonID, DossierID: d, Until: s.opts.Now.AddDate(0, 3, 0)})
	})
	s.do("request admissibility", func() (commands.Result, error) {
		return h.RequestAdmissibility(ctx, bene, commands.RequestAdmissibility{PortfolioID: p, DossierID: d})
	})
	s.do("record admissibility", func() (commands.Result, error) {
		return h.RecordAdmissibility(ctx, cons, commands.RecordAdmissibility{PortfolioID: p, DossierID: d, Admissible: true, DecidedOn: domain.DateOf(s.opts.Now)})
	})
	for _, m := range []struct {
		block string
		item  domain.ItemRef
	}{{"BC01", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"}}, {"BC02", domain.ItemRef{Kind: domain.ItemEvidence, ID: "ev-text"}}} {
		s.do("map "+m.item.ID, func() (commands.Result, error) {
			return h.MapToBlock(ctx, bene, commands.MapToBlock{PortfolioID: p, DossierID: d, Block: m.block, Item: m.item})
		})
	}
	s.do("submit", func() (commands.Result, error) {
		return h.SubmitDossier(ctx, bene, commands.SubmitDossier{PortfolioID: p, DossierID: d})
	})
}

// fileContent is a deterministic pseudo-document of n bytes.
func fileContent(id string, n int) []byte {
	head := []byte("%PDF-1.4\n% " + id + "\n")
	out := make([]byte, max(n, len(head)))
	copy(out, head)
	for i := len(head); i < len(out); i++ {
		out[i] = byte('a' + (i*7+len(id))%26)
	}
	return out
}

package projections_test

import (
	"errors"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// recruiterStory is Zoé's portfolio with a page pg-1 showing an
// experience, a task, a competence, a file evidence, its tutor's
// attestation and a goal.
func recruiterStory(t *testing.T) *story {
	s := newStory(t)
	s.addExperience("x-1", domain.KindProfessional, "Vendeuse")
	s.addTask("x-1", "t-1", "Tenir la caisse")
	s.declare("c-1", rncp("C1.1"), "Accueillir le client")
	s.attach("ev-1", item(domain.ItemCompetence, "c-1"), fileEvidence("Photo du stand"))
	s.inviteTutor("g-1", time.Time{})
	s.attest("at-1", item(domain.ItemEvidence, "ev-1"), "Stand tenu tout l'été.")
	s.must(s.h.SetGoal(s.ctx, s.zoe, commands.SetGoal{PortfolioID: zoe, GoalID: "goal-1",
		GoalInput: domain.GoalInput{Kind: domain.GoalJobSearch, Target: "2026-09-01", Text: domain.GoalText{Title: "CDI"}}}))
	s.must(s.h.CreatePage(s.ctx, s.zoe, commands.CreatePage{PortfolioID: zoe, PageID: "pg-1", PageInput: domain.PageInput{
		Items: []domain.ItemRef{item(domain.ItemExperience, "x-1"), item(domain.ItemTask, "x-1/t-1"), item(domain.ItemCompetence, "c-1"),
			item(domain.ItemEvidence, "ev-1"), item(domain.ItemAttestation, "at-1"), item(domain.ItemGoal, "goal-1")},
		Text: domain.PageText{Title: "Zoé, vendeuse", Intro: "Mon parcours"}}}))
	return s
}

func (s *story) page(token string, at time.Time) (projections.PublishedPage, error) {
	s.t.Helper()
	s.rebuild()
	return s.q.RecruiterPage(s.ctx, token, at)
}

// TestRecruiterPage: a share token opens the page with its items resolved
// (hashes and file references of evidence, attestation status), its
// public flag and its views; views survive a rebuild.
func TestRecruiterPage(t *testing.T) {
	s := recruiterStory(t)
	token := s.publish("pg-1", domain.LinkInput{Public: true}).Secret
	p, err := s.page(token, s.now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Zoé, vendeuse" || p.Intro != "Mon parcours" || !p.Public || p.Owner.Name != "Zoé Martin" || p.TokenHash != domain.ShareTokenHash(token) || p.Views != 0 {
		t.Fatalf("page: %+v", p)
	}
	kinds := ""
	for _, it := range p.Items {
		kinds += string(it.Kind) + " "
	}
	if kinds != "experience task competence evidence attestation goal " {
		t.Fatalf("items: %s", kinds)
	}
	x, task, c, ev, at, g := p.Items[0].Experience, p.Items[1].Task, p.Items[2].Competence, p.Items[3].Evidence, p.Items[4].Attestation, p.Items[5].Goal
	if x.Title != "Vendeuse" || len(x.Tasks) != 1 || task.Title != "Tenir la caisse" || c.Name != "Accueillir le client" || c.State != domain.CompetenceEvidenced || g.Title != "CDI" {
		t.Errorf("items: %+v %+v %+v %+v", x, task, c, g)
	}
	file := fileEvidence("").File
	if ev.File == nil || *ev.File != *file || ev.ContentHash != file.SHA256 || ev.Title != "Photo du stand" || ev.FileName != "stand.jpg" {
		t.Errorf("evidence: %+v", ev)
	}
	if at.Status != domain.AttestationCurrent || at.ContentHash != file.SHA256 || at.Tutor.Name != "Marc Petit" || at.Statement != "Stand tenu tout l'été." {
		t.Errorf("attestation: %+v", at)
	}
	for range 2 {
		if err := s.q.RecordView(s.ctx, p.TokenHash); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := s.page(token, s.now); err != nil || p.Views != 2 {
		t.Errorf("views after two and a rebuild: %d %v", p.Views, err)
	}
	if err := s.q.RecordView(s.ctx, "not a hash"); err == nil {
		t.Error("a view of a malformed hash was recorded")
	}
}

// TestRecruiterPageFollowsItems: edits show at once; removed items leave
// the page; replaced evidence shows as its replacement, and the
// attestation of the old one says so.
func TestRecruiterPageFollowsItems(t *testing.T) {
	s := recruiterStory(t)
	token := s.publish("pg-1", domain.LinkInput{}).Secret
	s.must(s.h.SupersedeEvidence(s.ctx, s.zoe, commands.SupersedeEvidence{PortfolioID: zoe, EvidenceID: "ev-1", NewEvidenceID: "ev-2",
		EvidenceInput: textEvidence("Bilan de stage", "Très bien")}))
	s.must(s.h.RemoveExperience(s.ctx, s.zoe, commands.RemoveExperience{PortfolioID: zoe, ExperienceID: "x-1"}))
	p, err := s.page(token, s.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 4 || p.Items[0].Kind != domain.ItemCompetence || p.Public {
		t.Fatalf("items after removing the experience (and its task): %+v", p.Items)
	}
	if ev := p.Items[1].Evidence; ev.ID != "ev-2" || ev.Title != "Bilan de stage" || ev.File != nil {
		t.Errorf("replaced evidence shows as %+v", ev)
	}
	if at := p.Items[2].Attestation; at.Status != domain.AttestationSuperseded {
		t.Errorf("attestation of replaced evidence: %s", at.Status)
	}
}

// TestRecruiterPageGone: revoked, expired and removed links are gone (HTTP
// 410), unknown ones not found (404).
func TestRecruiterPageGone(t *testing.T) {
	s := recruiterStory(t)
	open := s.publish("pg-1", domain.LinkInput{})
	expiring := s.publish("pg-1", domain.LinkInput{Until: s.now.Add(24 * time.Hour)}).Secret
	revoked := s.publish("pg-1", domain.LinkInput{})
	s.must(s.h.RevokeShareLink(s.ctx, s.zoe, commands.RevokeShareLink{PortfolioID: zoe, PageID: "pg-1", LinkID: revoked.ID}))
	for _, c := range []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		{"open", open.Secret, s.now.AddDate(5, 0, 0), nil},
		{"before its end", expiring, s.now.Add(23 * time.Hour), nil},
		{"at its end", expiring, s.now.Add(24 * time.Hour), projections.ErrPageGone},
		{"revoked", revoked.Secret, s.now, projections.ErrPageGone},
		{"unknown", "no-such-token", s.now, projections.ErrPageNotFound},
		{"empty", "", s.now, projections.ErrPageNotFound},
	} {
		if _, err := s.page(c.token, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	s.must(s.h.RemovePage(s.ctx, s.zoe, commands.RemovePage{PortfolioID: zoe, PageID: "pg-1"}))
	if _, err := s.page(open.Secret, s.now); !errors.Is(err, projections.ErrPageGone) {
		t.Errorf("link of a removed page: %v", err)
	}
}

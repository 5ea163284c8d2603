package projections_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
	"github.com/parcours/parcours/projections"
)

// TestErasedPersonReadsAsErased: once Zoé is erased, every read model
// answers without error, with her words erased and others' intact; a
// rebuild after the erasure answers the same.
func TestErasedPersonReadsAsErased(t *testing.T) {
	s := newStory(t)
	erasedReadsAsErased(s, s.everything())
}

// TestReadModelsOnPostgres: the same, and every query, with the read
// models in PostgreSQL.
func TestReadModelsOnPostgres(t *testing.T) {
	e, _ := newPostgresEnv(t)
	s := storyOn(e)
	token := s.everything()
	s.rebuild()
	if cv, found, err := s.q.CV(s.ctx, zoe, "cv-1"); err != nil || !found || cv.Title != "CV vendeuse" || len(cv.Competences) != 2 {
		t.Fatalf("CV: %+v %v %v", cv, found, err)
	}
	p, err := s.q.RecruiterPage(s.ctx, token, s.now)
	if err == nil {
		err = s.q.RecordView(s.ctx, p.TokenHash)
	}
	if err == nil {
		err = s.q.RecordView(s.ctx, p.TokenHash)
	}
	if p, _ := s.q.RecruiterPage(s.ctx, token, s.now); err != nil || p.Views != 2 || len(p.Items) != 5 {
		t.Fatalf("page: %+v %v", p, err)
	}
	if d := s.dossier(); d.State != domain.DossierDecided {
		t.Errorf("dossier: %+v", d)
	} else {
		s.sameProgress(d)
	}
	if en := s.timeline("en"); len(en) < 70 || en[2].Text != "Experience added: Vendeuse" {
		t.Errorf("timeline: %d entries, %+v", len(en), en[2])
	}
	erasedReadsAsErased(s, token)
}

// erasedReadsAsErased erases Zoé after the story was played (token opens
// its page) and checks every read model.
func erasedReadsAsErased(s *story, token string) {
	s.t.Helper()
	t := s.t
	s.journal(s.zoe, "j-3", "Nouvelle piste")
	s.rebuild()
	if _, err := personaldata.ErasePerson(s.ctx, s.ring, s.files, zoe); err != nil {
		t.Fatal(err)
	}
	for _, rebuilt := range []bool{false, true} {
		if rebuilt {
			s.rebuild()
		}
		s.erasedCV()
		s.erasedDashboard()
		s.erasedPage(token)
		s.erasedTimeline()
		s.erasedDossier()
	}
}

func (s *story) erasedCV() {
	s.t.Helper()
	cv, found, err := s.q.CV(s.ctx, zoe, "cv-1")
	if err != nil || !found || !cv.Erased || cv.Title != "" || !cv.Owner.Erased || cv.Owner.Name != "" {
		s.t.Fatalf("erased CV: %+v %v %v", cv, found, err)
	}
	if x := cv.Experiences[0]; !x.Erased || x.Title != "" || x.Kind != domain.KindProfessional || !x.Tasks[0].Erased {
		s.t.Errorf("erased experience: %+v", x)
	}
	if c := cv.Competences[0]; !c.Erased || c.Name != "" || c.State != domain.CompetenceAssessed || !c.Assessments[0].Erased || c.Assessments[0].By.Name != "Karim Benali" {
		s.t.Errorf("erased competence: %+v", c)
	}
}

func (s *story) erasedDashboard() {
	s.t.Helper()
	d, err := s.q.Dashboard(s.ctx, "p-cons", s.now, 0)
	if err != nil || d.Counsellor.Name != "Karim Benali" || len(d.Caseload) != 1 {
		s.t.Fatalf("dashboard: %+v %v", d, err)
	}
	c := d.Caseload[0]
	if !c.Beneficiary.Erased || len(c.Waiting) != 1 || !c.Waiting[0].Erased || c.Waiting[0].Title != "" || !c.Evidence[0].Erased || c.Evidence[0].Evidence != 1 {
		s.t.Errorf("erased case: %+v", c)
	}
}

func (s *story) erasedPage(token string) {
	s.t.Helper()
	p, err := s.q.RecruiterPage(s.ctx, token, s.now)
	if err != nil || !p.Erased || p.Title != "" || !p.Owner.Erased || len(p.Items) != 5 {
		s.t.Fatalf("erased page: %+v %v", p, err)
	}
	ev, at := p.Items[2].Evidence, p.Items[3].Attestation
	if !ev.Erased || ev.ContentHash != "" || ev.File != nil || !at.Erased || at.Status != "" || at.Tutor.Name != "Marc Petit" {
		s.t.Errorf("erased evidence %+v, attestation %+v", ev, at)
	}
}

func (s *story) erasedTimeline() {
	s.t.Helper()
	for lang, word := range map[string]string{"fr": "[effacé]", "en": "[erased]"} {
		entries, _, err := s.q.Timeline(s.ctx, zoe, lang, 0, 1000)
		if err != nil {
			s.t.Fatal(err)
		}
		erased := 0
		for _, e := range entries {
			if strings.Contains(e.Text, word) != e.Erased {
				s.t.Errorf("%s: %+v", lang, e)
			}
			if e.Erased {
				erased++
			}
			if e.Type == "CounsellorAssigned" && (e.Erased || !strings.Contains(e.Text, "Julie Roux") && !strings.Contains(e.Text, "Karim Benali")) {
				s.t.Errorf("%s: the counsellor's name is not Zoé's to erase: %+v", lang, e)
			}
		}
		if erased < len(entries)/2 || entries[1].Actor.Name != "Awa Diallo" {
			s.t.Errorf("%s: %d of %d entries erased", lang, erased, len(entries))
		}
	}
}

func (s *story) erasedDossier() {
	s.t.Helper()
	d, found, err := s.q.Dossier(s.ctx, zoe, "d-1")
	if err != nil || !found || !d.Owner.Erased || d.Title != "Employé polyvalent du commerce" {
		s.t.Fatalf("erased dossier: %+v %v %v", d, found, err)
	}
	x := d.Blocks[0].Experiences[0]
	if !x.Erased || x.Title != "" || !x.Tasks[0].Evidence[0].Erased || d.Blocks[0].Completeness.Attested != 1 {
		s.t.Errorf("erased dossier block: %+v", d.Blocks[0])
	}
}

// TestLiveEqualsRebuild: the read models built event by event by the
// runner while the story is played equal a rebuild from the start.
func TestLiveEqualsRebuild(t *testing.T) {
	s := newStory(t)
	ps := projections.All()
	r := s.startRunner(ps...)
	s.everything()
	s.must(s.h.AssignCounsellor(s.ctx, s.admin, commands.AssignCounsellor{PortfolioID: "p-luc", CounsellorID: "p-cons"}))
	s.waitHead(r)
	live := s.dumpAll(ps)
	s.rebuild()
	rebuilt := s.dumpAll(ps)
	for _, p := range ps {
		if !reflect.DeepEqual(live[p.Name()], rebuilt[p.Name()]) {
			t.Errorf("%s: live and rebuilt read models differ", p.Name())
		}
	}
}

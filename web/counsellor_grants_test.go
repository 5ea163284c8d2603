package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestCounsellorInvitesTutor: the counsellor invites a tutor on one
// competence, which is then all the tutor sees, and revokes another
// tutor's access.
func TestCounsellorInvitesTutor(t *testing.T) {
	e := newStaffEnv(t)
	seedStaff(e)
	for _, p := range []string{"p-cons", "p-tutor", "p-tutor2"} {
		e.login(p)
	}
	const page = "/counsellor/beneficiaries/p-zoe"
	p := e.get(page, "p-cons")
	p.contains(t, "<strong>Paul Tuteur</strong> — Vendeuse à la boulangerie", `<option value="p-tutor2">Sam Tuteur</option>`,
		`name="competences" value="c-team"`, `name="experiences" value="x-club"`)

	before := e.events()
	p = e.post(page+"/tutors", "p-cons", url.Values{"tutor_id": {"p-tutor2"}, "until": {staffDay(30)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no scope: %d", p.status)
	}
	p.contains(t, `<details open><summary>Inviter un tuteur</summary>`, `id="invite-scope-err">Cochez « tout le portfolio », ou les expériences`, `value="`+staffDay(30)+`"`)
	p = e.post(page+"/tutors", "p-cons", url.Values{"tutor_id": {"p-cons"}, "competences": {"c-team"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a counsellor as tutor: %d", p.status)
	}
	p.contains(t, `id="invite-tutor_id-err">Choisissez un tuteur actif de la structure.`, `name="competences" value="c-team" checked`)
	if n := e.events(); n != before {
		t.Fatalf("refusals wrote %d events", n-before)
	}

	p = e.post(page+"/tutors", "p-cons", url.Values{"tutor_id": {"p-tutor2"}, "competences": {"c-team"}})
	if p.status != http.StatusSeeOther || p.location != page+"?done=invite#tutors" {
		t.Fatalf("invite: %d %s\n%s", p.status, p.location, p.html)
	}
	e.get(p.location, "p-cons").contains(t, "Le tuteur est invité.", "<strong>Sam Tuteur</strong> — Animer une équipe")
	e.get("/tutor", "p-tutor2").contains(t, "Zoé Martin")
	sam := e.get("/tutor/beneficiaries/p-zoe", "p-tutor2")
	sam.contains(t, "Animer une équipe")
	sam.lacks(t, "Vendeuse à la boulangerie", "Encaisser les clients", "Secret du club")

	grant := regexp.MustCompile(`action="/counsellor/beneficiaries/p-zoe/tutors/(g-paul)/revoke"`).FindStringSubmatch(e.get(page, "p-cons").html)
	if grant == nil {
		t.Fatal("no revoke form for Paul")
	}
	p = e.post(page+"/tutors/g-paul/revoke", "p-cons", url.Values{})
	if p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", p.status, p.html)
	}
	e.get(p.location, "p-cons").contains(t, "L&#39;accès du tuteur est retiré.", "accès terminé")
	e.get("/tutor", "p-tutor").lacks(t, "Zoé Martin")
	if p := e.post(page+"/tutors/g-paul/revoke", "p-cons", url.Values{}); p.status != http.StatusConflict {
		t.Fatalf("revoke twice: %d", p.status)
	} else {
		p.contains(t, "Cet accès est déjà retiré.")
	}
	if p := e.post(page+"/tutors/g-nope/revoke", "p-cons", url.Values{}); p.status != http.StatusNotFound {
		t.Fatalf("no such grant: %d", p.status)
	}
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// TestConversationPages: Zoé writes to her counsellor with evidence
// attached, through the form; Karim sees it unread on his dashboard and
// inbox, reads it (which clears the count) and answers; Zoé's menu counts
// the answer. A refused message shows the reason and changes nothing;
// another beneficiary and the structure admin do not see it.
func TestConversationPages(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	e.settle()
	zoe, karim, luc, awa := e.benBrowser(), e.benBrowser(), e.benBrowser(), e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	karim.login("p-cons", "/counsellor")
	luc.login("p-luc", "/me/portfolio")
	awa.login("p-admin", "/admin")

	p := zoe.get("/me/conversation")
	benWant(t, p, http.StatusOK, "Pas encore de message", `name="text"`, `value="ev-photo"`, "Ma vitrine de Noël", `action="/me/conversation/messages"`)
	text := "Bonjour Karim, voici ma vitrine pour l’entretien de jeudi"
	sent := zoe.post("/me/conversation/messages", url.Values{"idem": {p.key(t)}, "text": {text}, "attach": {"ev-photo"}})
	benWantRedirect(t, sent, "/me/conversation#talk-form")
	// The same form sent twice posts once.
	zoe.post("/me/conversation/messages", url.Values{"idem": {p.key(t)}, "text": {text}, "attach": {"ev-photo"}})
	e.settle()
	benWant(t, zoe.get("/me/conversation?lang=en"), http.StatusOK, text, "Evidence attached:", "Ma vitrine de Noël")

	benWant(t, karim.get("/counsellor"), http.StatusOK, "Messages (1 non lu)")
	benWant(t, karim.get("/counsellor/conversations"), http.StatusOK, "Zoé Martin", "1 non lu", "Awa Diallo")
	benWant(t, karim.get("/counsellor/beneficiaries/p-zoe"), http.StatusOK, `href="/counsellor/beneficiaries/p-zoe/conversation">Messages (1 non lu)`)
	page := karim.get("/counsellor/beneficiaries/p-zoe/conversation")
	benWant(t, page, http.StatusOK, "Conversation avec Zoé Martin", text, "Ma vitrine de Noël", "nouveau", "Nouveaux messages : 1 non lu")
	if strings.Count(page.body, text) != 1 {
		t.Errorf("the message sent twice shows %d times", strings.Count(page.body, text))
	}
	e.settle()
	if p := karim.get("/counsellor"); strings.Contains(p.body, "non lu") {
		t.Errorf("still unread after reading:\n%s", p.body)
	}
	answer := karim.post("/counsellor/beneficiaries/p-zoe/conversation/messages", url.Values{"idem": {page.key(t)}, "text": {"Très belle vitrine, on en parle jeudi"}})
	benWantRedirect(t, answer, "/counsellor/beneficiaries/p-zoe/conversation#talk-form")
	e.settle()
	benWant(t, zoe.get("/me/portfolio"), http.StatusOK, `href="/me/conversation">Messages (1 non lu)`)
	benWant(t, zoe.get("/me/conversation"), http.StatusOK, "Très belle vitrine", "Karim Haddad")

	// A refused message: the reason, what was typed, and nothing written.
	fresh := zoe.get("/me/conversation") // read already: writes nothing
	before := e.head()
	refused := zoe.post("/me/conversation/messages", url.Values{"idem": {fresh.key(t)}, "text": {"  "}, "attach": {"ev-photo"}})
	benWant(t, refused, http.StatusUnprocessableEntity, "Ce champ est obligatoire.", `aria-invalid="true"`, `href="/me/conversation?lang=en"`)
	if e.head() != before {
		t.Error("a refused message was written")
	}

	// Others see nothing of it.
	if p := luc.get("/me/conversation"); p.status != http.StatusOK || strings.Contains(p.body, "vitrine") {
		t.Errorf("Luc's conversation: %d\n%s", p.status, p.body)
	}
	if p := awa.get("/counsellor/beneficiaries/p-zoe/conversation"); p.status != http.StatusForbidden || strings.Contains(p.body, "vitrine") {
		t.Errorf("the admin opens Zoé's conversation: %d", p.status)
	}
	e.must(e.h.EnrolPerson(e.ctx, commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}},
		commands.EnrolPerson{StructureID: "s-ml", PersonID: "p-cons9", Role: domain.RoleCounsellor, Name: "Inès Morel"}))
	if _, err := e.creds.CreateUser(e.ctx, credentials.NewUser{Email: "p-cons9@example.org", Password: benPassword, PersonID: "p-cons9",
		Tenant: "s-ml", Role: domain.RoleCounsellor}); err != nil {
		t.Fatal(err)
	}
	other := e.benBrowser()
	other.login("p-cons9", "/counsellor")
	if p := other.get("/counsellor/beneficiaries/p-zoe/conversation"); p.status != http.StatusNotFound {
		t.Errorf("an unassigned counsellor opens Zoé's conversation: %d", p.status)
	}

	// Older messages are a link away.
	for i := 0; i < 35; i++ {
		e.must(e.h.PostMessage(e.ctx, e.as("p-cons", domain.RoleCounsellor), commands.PostMessage{
			ConversationRef: commands.ConversationRef{PortfolioID: "p-zoe"}, Text: fmt.Sprintf("Rappel numéro %d", i)}))
	}
	e.settle()
	latest := zoe.get("/me/conversation")
	benWant(t, latest, http.StatusOK, "Rappel numéro 34", "Nouveaux messages : 35 non lus", "Voir les messages plus anciens")
	if strings.Contains(latest.body, "Rappel numéro 4<") {
		t.Error("the latest page shows old messages")
	}
	_, rest, _ := strings.Cut(latest.body, `<a href="/me/conversation?before=`)
	older := zoe.get("/me/conversation?before=" + rest[:strings.IndexByte(rest, '"')])
	benWant(t, older, http.StatusOK, "Rappel numéro 4<", "Revenir aux derniers messages")

	// A one-to-one conversation with a colleague.
	inbox := karim.get("/counsellor/conversations")
	started := karim.post("/counsellor/conversations", url.Values{"idem": {inbox.key(t)}, "with": {"p-admin"}})
	direct := "/counsellor/conversations/" + domain.DirectConversationID("s-ml", "p-cons", "p-admin")
	benWantRedirect(t, started, direct)
	p = karim.get(direct)
	benWant(t, p, http.StatusOK, "Conversation avec Awa Diallo")
	benWantRedirect(t, karim.post(direct+"/messages", url.Values{"idem": {p.key(t)}, "text": {"Point d’équipe lundi ?"}}), direct+"#talk-form")
	if p := other.get(direct); p.status != http.StatusNotFound {
		t.Errorf("a third counsellor opens a one-to-one conversation: %d", p.status)
	}
}

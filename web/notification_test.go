package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/notify"
)

// TestNotificationPages: Zoé's message shows in Karim's notification
// centre, French and English, with a link to the conversation; marking
// everything read clears the count; a kind switched off is saved; Zoé's
// menu counts Karim's answer; the unsubscribe page of a token unsubscribes
// once confirmed (and in one POST, as a mail client does), an unknown
// token is not found.
func TestNotificationPages(t *testing.T) {
	e := newBenEnv(t)
	e.benStory(t)
	e.settle()
	zoe, karim := e.benBrowser(), e.benBrowser()
	zoe.login("p-zoe", "/me/portfolio")
	karim.login("p-cons", "/counsellor")
	talk := commands.ConversationRef{PortfolioID: "p-zoe"}
	e.must(e.h.PostMessage(e.ctx, e.as("p-zoe", domain.RoleBeneficiary), commands.PostMessage{ConversationRef: talk, Text: "Bonjour, une question"}))
	e.settle()

	page := karim.get("/notifications")
	benWant(t, page, http.StatusOK, "Nouveau message de Zoé Martin", "1 nouvelle", `href="/counsellor/beneficiaries/p-zoe/conversation"`,
		"Ce que vous voulez recevoir", `name="email-comment"`)
	if strings.Contains(page.body, "une question") {
		t.Error("the notification shows the message's text")
	}
	benWant(t, karim.get("/notifications?lang=en"), http.StatusOK, "New message from Zoé Martin", "Mark all as read")
	var last string
	if i := strings.Index(page.body, `name="up_to" value="`); i >= 0 {
		last = strings.SplitN(page.body[i+len(`name="up_to" value="`):], `"`, 2)[0]
	}
	benWantRedirect(t, karim.post("/notifications/read", url.Values{"idem": {page.key(t)}, "up_to": {last}}), "/notifications?done=read")
	e.settle()
	again := karim.get("/notifications?done=read")
	if p := again; strings.Contains(p.body, "1 nouvelle") || !strings.Contains(p.body, "Toutes vos notifications sont lues") {
		t.Errorf("after marking read:\n%s", p.body)
	}
	form := url.Values{"idem": {again.key(t)}}
	for _, k := range domain.NotificationKinds() {
		form.Set("inapp-"+string(k), "on")
		if k != domain.NotifyComment {
			form.Set("email-"+string(k), "on")
		}
	}
	benWantRedirect(t, karim.post("/notifications/preferences", form), "/notifications?done=saved#prefs")
	e.settle()
	prefs, _, err := e.q.NotificationSettings(e.ctx, "p-cons")
	if err != nil || prefs.Kinds[domain.NotifyComment].Email || !prefs.Kinds[domain.NotifyMessage].Email {
		t.Errorf("saved preferences: %+v (%v)", prefs, err)
	}

	e.must(e.h.PostMessage(e.ctx, e.as("p-cons", domain.RoleCounsellor), commands.PostMessage{ConversationRef: talk, Text: "Oui ?"}))
	e.settle()
	benWant(t, zoe.get("/me/portfolio"), http.StatusOK, `href="/notifications">Notifications (1)`)
	benWant(t, zoe.get("/notifications"), http.StatusOK, "Nouveau message de Karim", `href="/me/conversation"`)

	// Unsubscribe: the page asks, the button (or a mail client's POST)
	// does it, once.
	token := "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo" // 32 bytes in base64url
	hash := notifyHash(token)
	if err := e.q.SaveUnsubscribeToken(e.ctx, hash, domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}, time.Now()); err != nil {
		t.Fatal(err)
	}
	anon := e.benBrowser()
	benWant(t, anon.get("/unsubscribe/"+token), http.StatusOK, "Ne plus recevoir d&#39;e-mails", `id="unsub-confirm"`)
	benWant(t, anon.post("/unsubscribe/"+token, url.Values{"List-Unsubscribe": {"One-Click"}}), http.StatusOK, "C&#39;est fait")
	e.settle()
	if p, _, _ := e.q.NotificationSettings(e.ctx, "p-zoe"); !p.Unsubscribed {
		t.Error("Zoé is still subscribed")
	}
	before := e.head()
	benWant(t, anon.post("/unsubscribe/"+token, url.Values{}), http.StatusOK, "C&#39;est fait")
	if e.head() != before {
		t.Error("a second unsubscription wrote")
	}
	if p := anon.get("/unsubscribe/nope"); p.status != http.StatusNotFound {
		t.Errorf("an unknown token: %d", p.status)
	}
}

func notifyHash(token string) string { return notify.HashToken(token) }

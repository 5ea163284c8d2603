package notify_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/internal/mailpit"
	"github.com/parcours/parcours/notify"
)

func sender(e *env, port int) *notify.Sender {
	return notify.NewSender(e.q, notify.Config{
		SMTP:    notify.SMTP{Host: "127.0.0.1", Port: port, StartTLS: "none", From: "Parcours <noreply@parcours.example>", Timeout: 2 * time.Second},
		BaseURL: "https://parcours.example/", SendNow: true, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
	})
}

// sendUntilEmpty runs the sender until nobody has mail pending (failed
// attempts included), and returns how many digests went out.
func sendUntilEmpty(t *testing.T, e *env, s *notify.Sender, people ...string) int {
	t.Helper()
	sent := 0
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(30 * time.Millisecond) {
		n, err := s.SendDue(e.ctx)
		if err != nil {
			t.Log(err)
		}
		sent += n
		pending := 0
		for _, p := range people {
			k, _, err := e.q.OutboxCounts(e.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			pending += k
		}
		if pending == 0 {
			return sent
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications still pending", pending)
		}
	}
}

// TestDigestSMTPDownThenUp: with the SMTP server down, digests wait in
// the outbox and are retried; once it is up each person gets one digest
// holding every notification, with no personal text beyond first names,
// and none twice.
func TestDigestSMTPDownThenUp(t *testing.T) {
	e := newEnv(t)
	port := mailpit.FreePort(t)
	s := sender(e, port)
	e.post(call("p-zoe", domain.RoleBeneficiary), "Mon entretien secret-Zoé jeudi")
	e.post(call("p-cons", domain.RoleCounsellor), "Bien reçu secret-Karim")
	e.post(call("p-zoe", domain.RoleBeneficiary), "Merci secret-Zoé")
	e.caughtUp()

	for i := 0; i < 3; i++ { // the server is down: nothing goes, nothing is lost
		if n, err := s.SendDue(e.ctx); n != 0 || err == nil {
			t.Fatalf("attempt %d with SMTP down: %d sent, error %v", i, n, err)
		}
		time.Sleep(120 * time.Millisecond)
	}
	if p, sent, _ := e.q.OutboxCounts(e.ctx, "p-cons"); p != 2 || sent != 0 {
		t.Fatalf("Karim's outbox with SMTP down: %d pending, %d sent; want 2, 0", p, sent)
	}

	mp := mailpit.Start(t, port)
	if n := sendUntilEmpty(t, e, s, "p-cons", "p-zoe"); n != 2 {
		t.Errorf("%d digests sent, want 2 (one per person)", n)
	}
	for i := 0; i < 3; i++ { // again: nothing more
		if n, err := s.SendDue(e.ctx); n != 0 || err != nil {
			t.Errorf("a further round sent %d (%v)", n, err)
		}
	}
	msgs, err := mp.Messages(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("mailpit received %d messages, want 2: %+v", len(msgs), msgs)
	}
	byTo := map[string]mailpit.Message{}
	for _, m := range msgs {
		byTo[m.To[0].Address] = m
		if strings.Contains(m.Text, "secret") || strings.Contains(m.Subject, "secret") || strings.Contains(m.Text, "Martin") || strings.Contains(m.Text, "Benali") {
			t.Errorf("personal text in the digest to %s:\n%s", m.To[0].Address, m.Text)
		}
		if got := m.Headers["List-Unsubscribe-Post"]; len(got) != 1 || got[0] != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post: %v", got)
		}
		if !strings.HasPrefix(m.MessageID, "digest-") {
			t.Errorf("Message-ID %q is not the digest's", m.MessageID)
		}
	}
	karim := byTo["karim@example.org"]
	if !strings.Contains(karim.Text, "2 nouveaux messages (Zoé)") || !strings.Contains(karim.Text, "2 new messages (Zoé)") ||
		!strings.Contains(karim.Text, "https://parcours.example/notifications") {
		t.Errorf("Karim's digest:\n%s", karim.Text)
	}
	if zoe := byTo["zoe@example.org"]; !strings.Contains(zoe.Text, "1 nouveau message (Karim)") {
		t.Errorf("Zoé's digest:\n%s", zoe.Text)
	}

	// Karim's one-click link (RFC 8058) names him by a token kept hashed:
	// after it, his new notifications go in the app only.
	link := strings.Trim(karim.Headers["List-Unsubscribe"][0], "<>")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/unsubscribe/") {
		t.Fatalf("List-Unsubscribe %q", link)
	}
	token := strings.TrimPrefix(u.Path, "/unsubscribe/")
	who, found, err := e.q.UnsubscribeTokenActor(e.ctx, notify.HashToken(token))
	if err != nil || !found || who.PersonID != "p-cons" || who.Role != domain.RoleCounsellor {
		t.Fatalf("token names %+v (%v, %v)", who, found, err)
	}
	if _, found, _ := e.q.UnsubscribeTokenActor(e.ctx, token); found {
		t.Error("the token is kept in clear")
	}
	e.must(e.h.UnsubscribeEmail(e.ctx, callOf(who)))
	e.post(call("p-zoe", domain.RoleBeneficiary), "Encore")
	e.caughtUp()
	if p, _, _ := e.q.OutboxCounts(e.ctx, "p-cons"); p != 0 {
		t.Errorf("Karim unsubscribed and has %d e-mail notifications pending", p)
	}
	c, err := e.q.Notifications(e.ctx, "p-cons", 0, 10)
	if err != nil || c.Unread != 3 {
		t.Errorf("Karim's centre after unsubscribing: %d unread (%v), want 3", c.Unread, err)
	}
}

// TestDigestResentAfterCrash: a digest claimed and not marked sent (the
// process died between sending and marking) goes again with the same
// Message-ID and the same notifications.
func TestDigestResentAfterCrash(t *testing.T) {
	e := newEnv(t)
	mp := mailpit.Start(t, 0)
	e.post(call("p-zoe", domain.RoleBeneficiary), "Un")
	e.caughtUp()
	first, found, err := e.q.ClaimDigest(e.ctx, "p-cons")
	if err != nil || !found {
		t.Fatal(found, err)
	}
	e.post(call("p-zoe", domain.RoleBeneficiary), "Deux") // after the claim: the next digest
	e.caughtUp()
	s := sender(e, mp.SMTPPort)
	if n := sendUntilEmpty(t, e, s, "p-cons"); n != 2 {
		t.Errorf("%d digests, want the claimed one and the next", n)
	}
	msgs, err := mp.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[m.MessageID] = true
	}
	if len(msgs) != 2 || !ids["digest-"+first.ID+"@parcours"] {
		t.Errorf("messages %v, want the claimed digest's ID %s among two", ids, first.ID)
	}
}

func callOf(a domain.Actor) commands.Call { return commands.Call{Actor: a} }

package e2e_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/internal/mailpit"
	"github.com/parcours/parcours/notify"
)

// TestNotificationsAndDigest: the beneficiary writes to her counsellor
// in the browser; he finds it in his notification centre and marks it
// read; the digest e-mail reaches a real SMTP server (Mailpit), holds his
// notification without the message's text, and its unsubscribe link,
// opened in the browser, stops the e-mails.
func TestNotificationsAndDigest(t *testing.T) {
	w := needWorld(t)
	mp := mailpit.Start(t, 0)
	lea, karim := w.person(t), w.person(t)
	w.login(t, lea, demo.Beneficiary)
	w.login(t, karim, demo.Counsellor)

	const secret = "Mon entretien chez Biocoop est confirmé pour mardi"
	w.open(t, lea, "/me/conversation")
	do(t, lea, chromedp.SendKeys(chromedp.ID("talk-text"), secret))
	if resp := submit(t, lea, `#talk-form button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("post a message: %d", resp.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.svc.waitFor(ctx); err != nil {
		t.Fatal(err)
	}

	if status := w.open(t, karim, "/notifications"); status != http.StatusOK {
		t.Fatalf("/notifications: %d", status)
	}
	text := mainText(t, karim)
	if !strings.Contains(text, "Nouveau message de "+demo.Find(demo.Beneficiary).Name) || !strings.Contains(text, "nouveau") {
		t.Fatalf("Karim's notification centre:\n%s", text)
	}
	if strings.Contains(text, secret) {
		t.Error("the notification centre shows the message's text")
	}
	checkA11y(t, karim, "notification centre")
	shot(t, karim, "notification-centre-unread")
	if resp := submit(t, karim, "#notif-mark"); resp.Status != http.StatusOK {
		t.Fatalf("mark read: %d", resp.Status)
	}
	if text := mainText(t, karim); !strings.Contains(text, "Toutes vos notifications sont lues") {
		t.Errorf("after marking read:\n%s", text)
	}

	// The digests go out through Mailpit.
	s := notify.NewSender(w.svc.queries, notify.Config{
		SMTP:    notify.SMTP{Host: mp.SMTPHost, Port: mp.SMTPPort, StartTLS: "none", From: "Parcours <noreply@parcours.example>"},
		BaseURL: w.svc.url, SendNow: true,
	})
	if _, err := s.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, err := mp.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mail *mailpit.Message
	for i, m := range msgs {
		if len(m.To) > 0 && m.To[0].Address == demo.Find(demo.Counsellor).Email {
			mail = &msgs[i]
		}
	}
	first := strings.Fields(demo.Find(demo.Beneficiary).Name)[0]
	if mail == nil || !strings.Contains(mail.Text, "message") || !strings.Contains(mail.Text, first) || !strings.Contains(mail.Text, w.svc.url+"/notifications") {
		t.Fatalf("no digest for Karim among %d messages: %+v", len(msgs), mail)
	}
	if strings.Contains(mail.Text, secret) || strings.Contains(mail.Text, demo.Find(demo.Beneficiary).Name) {
		t.Errorf("personal text in the digest:\n%s", mail.Text)
	}
	unsub := strings.Trim(mail.Headers["List-Unsubscribe"][0], "<>")
	if !strings.HasPrefix(unsub, w.svc.url+"/unsubscribe/") {
		t.Fatalf("List-Unsubscribe: %q", unsub)
	}
	reader := w.person(t) // the link opens in any browser, logged in or not
	if resp, err := chromedp.Run(reader, chromedp.NavigateResponse(unsub)); err != nil || resp.Status != http.StatusOK {
		t.Fatalf("open the unsubscribe link: %v %v", resp, err)
	}
	checkA11y(t, reader, "unsubscribe page")
	if resp := submit(t, reader, "#unsub-confirm"); resp.Status != http.StatusOK {
		t.Fatalf("unsubscribe: %d", resp.Status)
	}
	if text := mainText(t, reader); !strings.Contains(text, "C'est fait") {
		t.Errorf("after unsubscribing:\n%s", text)
	}
	shot(t, reader, "unsubscribed")
}

// shot saves a screenshot of the page in the artifacts directory.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir, err := artifacts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

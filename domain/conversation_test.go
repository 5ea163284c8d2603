package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

func applyToConversation(t *testing.T, c *domain.Conversation) func([]domain.Event, error) []domain.Event {
	return func(events []domain.Event, err error) []domain.Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			c.Apply(e)
		}
		return events
	}
}

func TestConversationIDs(t *testing.T) {
	if a, b := domain.DirectConversationID("s-ml", "p-a", "p-b"), domain.DirectConversationID("s-ml", "p-b", "p-a"); a != b {
		t.Errorf("the pair's ID depends on who starts: %s, %s", a, b)
	}
	if a, b := domain.DirectConversationID("s-ml", "p-a", "p-b"), domain.DirectConversationID("s-other", "p-a", "p-b"); a == b {
		t.Error("two structures share a direct conversation")
	}
	for id, want := range map[string]bool{
		domain.PortfolioConversationID("p-zoe"):           true,
		domain.DirectConversationID("s-ml", "p-a", "p-b"): true,
		"p-":                           false,
		"d-short":                      false,
		"x-p-zoe":                      false,
		"p-" + strings.Repeat("a", 65): false,
		domain.DirectConversationID("s-ml", "p-a", "p-b")[1:]: false,
	} {
		if got := domain.ValidConversationID(id); got != want {
			t.Errorf("ValidConversationID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestConversationStream(t *testing.T) {
	id := domain.PortfolioConversationID("p-zoe")
	stream := domain.ConversationStream("s-ml", id)
	if tenant, got, ok := domain.ConversationOfStream(stream); !ok || tenant != "s-ml" || got != id {
		t.Errorf("%s: %q %q %v", stream, tenant, got, ok)
	}
	for _, s := range []string{domain.StructureStream("s-ml"), domain.PortfolioStream("p-zoe"), "structure-s-ml.conversation-x", "structure-.conversation-" + id} {
		if _, _, ok := domain.ConversationOfStream(s); ok {
			t.Errorf("%s read as a conversation stream", s)
		}
	}
}

func TestConversationMessages(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	p := openedPortfolio(t)
	applyDecided(t, p)(p.AddExperience("x-1", domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, Text: domain.ExperienceText{Title: "Vendeuse"}}))
	applyDecided(t, p)(p.AttachEvidence("ev-1", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-1"},
		domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Récit", Text: "Un samedi"}}))
	c := domain.NewConversation(domain.PortfolioConversationID("p-zoe"))
	zoe := domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}
	cons := domain.Actor{PersonID: "p-cons", Tenant: "s-ml", Role: domain.RoleCounsellor}

	if _, err := c.Post("m-1", zoe, "Bonjour", nil, p, false, now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a message to a conversation not started: %v", err)
	}
	started := c.StartPortfolioConversation(p, zoe.PersonID, now)
	posted, err := c.Post("m-1", zoe, "Bonjour", nil, p, len(started) > 0, now)
	applyToConversation(t, c)(append(started, posted...), err)
	if again := c.StartPortfolioConversation(p, cons.PersonID, now); again != nil {
		t.Fatalf("started twice: %v", again)
	}
	applyToConversation(t, c)(c.Post("m-2", cons, "Bonjour Zoé", []string{"ev-1"}, p, false, now))
	if c.LastSeq() != 2 || c.ReadUpTo("p-cons") != 2 || c.ReadUpTo("p-zoe") != 1 {
		t.Fatalf("last %d, read markers %d %d", c.LastSeq(), c.ReadUpTo("p-cons"), c.ReadUpTo("p-zoe"))
	}

	for name, err := range map[string]error{
		"duplicate ID":         second(c.Post("m-1", zoe, "Encore", nil, p, false, now)),
		"empty text":           second(c.Post("m-3", zoe, "  ", nil, p, false, now)),
		"too long":             second(c.Post("m-3", zoe, strings.Repeat("a", domain.MaxMessageText+1), nil, p, false, now)),
		"unknown evidence":     second(c.Post("m-3", zoe, "Voir", []string{"ev-2"}, p, false, now)),
		"evidence twice":       second(c.Post("m-3", zoe, "Voir", []string{"ev-1", "ev-1"}, p, false, now)),
		"edit of another's":    second(c.Edit("m-2", "p-zoe", "Changé", now)),
		"delete of another's":  second(c.Delete("m-2", "p-zoe", now)),
		"edit of unknown":      second(c.Edit("m-9", "p-zoe", "Changé", now)),
		"read past the end":    second(c.MarkRead("p-zoe", 3, now)),
		"bad message ID":       second(c.Post("m 3", zoe, "Voir", nil, p, false, now)),
		"evidence in a direct": second(domain.NewConversation("d-x").Post("m-1", cons, "x", []string{"ev-1"}, nil, true, now)),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	applyToConversation(t, c)(c.Edit("m-1", "p-zoe", "Bonjour !", now))
	if m, _ := c.Message("m-1"); !m.Edited {
		t.Error("edit not applied")
	}
	applyToConversation(t, c)(c.Delete("m-1", "p-zoe", now))
	if _, err := c.Edit("m-1", "p-zoe", "Encore", now); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("edit of a deleted message: %v", err)
	}
	read := applyToConversation(t, c)(c.MarkRead("p-zoe", 0, now))
	if len(read) != 1 || c.ReadUpTo("p-zoe") != 2 {
		t.Fatalf("read marker: %v, up to %d", read, c.ReadUpTo("p-zoe"))
	}
	if again := applyToConversation(t, c)(c.MarkRead("p-zoe", 1, now)); len(again) != 0 {
		t.Errorf("a marker moved back: %v", again)
	}
}

func TestDirectConversation(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	id := domain.DirectConversationID("s-ml", "p-cons", "p-cons2")
	c := domain.NewConversation(id)
	if _, err := c.StartDirect("s-ml", "p-cons", "p-cons", now); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("a conversation with oneself: %v", err)
	}
	applyToConversation(t, c)(c.StartDirect("s-ml", "p-cons2", "p-cons", now))
	if !c.IsParticipant("p-cons") || !c.IsParticipant("p-cons2") || c.IsParticipant("p-admin") || c.Kind() != domain.ConversationDirect {
		t.Fatalf("participants %v, kind %s", c.Participants(), c.Kind())
	}
	if again, err := c.StartDirect("s-ml", "p-cons", "p-cons2", now); err != nil || len(again) != 0 {
		t.Errorf("starting again: %v, %v", again, err)
	}
}

func second[T any](_ T, err error) error { return err }

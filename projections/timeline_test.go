package projections_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// notInPortfolios are the event types recorded outside portfolio streams.
var notInPortfolios = []string{"StructureRegistered", "SeatsChanged", "PersonEnrolled", "PersonLeft", "PersonErased",
	"ConversationStarted", "MessagePosted", "MessageEdited", "MessageDeleted", "ConversationRead",
	"BadgeIssued", "BadgeRevoked",
	"NotificationPreferencesSet", "EmailUnsubscribed", "NotificationsRead", "InactivityNoticed", "InactivityPeriodSet",
	"FrameworkEntriesRecorded", "FrameworkImported"}

func (s *story) timeline(lang string) []projections.TimelineEntry {
	s.t.Helper()
	entries, _, err := s.q.Timeline(s.ctx, zoe, lang, 0, 10000)
	if err != nil {
		s.t.Fatal(err)
	}
	return entries
}

// TestTimelineLabelsEveryEvent: every event type of a portfolio shows in
// words, in French and in English, with who did it.
func TestTimelineLabelsEveryEvent(t *testing.T) {
	s := newStory(t)
	s.everything()
	s.rebuild()
	var want []string
	for _, spec := range domain.Events() {
		if !slices.Contains(notInPortfolios, spec.Type) {
			want = append(want, spec.Type)
		}
	}
	for _, lang := range []string{"fr", "en"} {
		seen := map[string]bool{}
		for _, e := range s.timeline(lang) {
			seen[e.Type] = true
			if e.Text == e.Type || strings.ContainsAny(e.Text, "{}") || e.Actor.ID == "" || e.At.IsZero() || e.Erased {
				t.Errorf("%s: entry %+v is not in words", lang, e)
			}
			if e.Role != "" && e.RoleLabel == "" {
				t.Errorf("%s: role %s has no label", lang, e.Role)
			}
		}
		for _, typ := range want {
			if !seen[typ] {
				t.Errorf("%s: no timeline entry of type %s (does the story play it?)", lang, typ)
			}
		}
	}
}

// TestTimelineWords: entries name what they are about (removed items
// too), who did it in which role, and the clear values, in both languages.
func TestTimelineWords(t *testing.T) {
	s := newStory(t)
	s.everything()
	s.rebuild()
	find := func(entries []projections.TimelineEntry, typ, contains string) projections.TimelineEntry {
		t.Helper()
		for _, e := range entries {
			if e.Type == typ && strings.Contains(e.Text, contains) {
				return e
			}
		}
		t.Fatalf("no %s entry saying %q", typ, contains)
		return projections.TimelineEntry{}
	}
	fr, en := s.timeline("fr"), s.timeline(""+"en")
	for _, c := range []struct {
		entries     []projections.TimelineEntry
		typ, text   string
		actor, role string
	}{
		{fr, "ExperienceAdded", "Expérience ajoutée : Vendeuse", "Zoé Martin", "bénéficiaire"},
		{en, "ExperienceAdded", "Experience added: Vendeuse", "Zoé Martin", "beneficiary"},
		{fr, "ExperienceRemoved", "Expérience retirée : Serveuse bénévole", "Zoé Martin", "bénéficiaire"},
		{en, "TaskRemoved", "Task removed: Ranger la réserve", "Zoé Martin", "beneficiary"},
		{fr, "CompetenceAdded", "Compétence déclarée : RNCP37849 BC02", "Zoé Martin", "bénéficiaire"},
		{fr, "CompetenceAssessmentRecorded", "Compétence évaluée (acquise) : Accueillir le client", "Karim Benali", "conseiller"},
		{en, "CompetenceAssessmentRecorded", "Competence assessed (acquired): Accueillir le client", "Karim Benali", "counsellor"},
		{en, "CompetenceSelfAssessed", "Self-assessment (3/4): Accueillir le client", "Zoé Martin", "beneficiary"},
		{fr, "AttestationRecorded", "Attestation du tuteur : Fond de caisse", "Marc Petit", "tuteur"},
		{fr, "CommentAdded", "Commentaire sur : Fond de caisse", "Karim Benali", "conseiller"},
		{en, "CounsellorUnassigned", "Counsellor unassigned: Julie Roux", "Awa Diallo", "structure admin"},
		{en, "GrantRevoked", "Access revoked: Claire Moreau", "Zoé Martin", "beneficiary"},
		{fr, "JournalEntryWritten", "Premier jour de stage.", "Zoé Martin", "bénéficiaire"},
		{en, "MilestoneRemoved", "Milestone removed: Salon de l'emploi", "Zoé Martin", "beneficiary"},
		{fr, "AdmissibilityDecided", "Dossier non recevable", "Karim Benali", "conseiller"},
		{en, "AdmissibilityDecided", "Dossier admissible", "Karim Benali", "counsellor"},
		{fr, "JuryDecisionRecorded", "bloc BC02 (validé en partie) : RNCP37849 Employé polyvalent du commerce", "Karim Benali", "conseiller"},
		{en, "ShareLinkRevoked", "Share link revoked: Zoé, vendeuse", "Zoé Martin", "beneficiary"},
		{fr, "DocumentRemoved", "Document retiré : Carte d'identité", "Zoé Martin", "bénéficiaire"},
	} {
		e := find(c.entries, c.typ, c.text)
		if e.Actor.Name != c.actor || e.RoleLabel != c.role {
			t.Errorf("%q: by %+v as %q, want %s as %s", e.Text, e.Actor, e.RoleLabel, c.actor, c.role)
		}
	}
	if _, _, err := s.q.Timeline(s.ctx, zoe, "de", 0, 10); err == nil {
		t.Error("a timeline in an unknown language was answered")
	}
}

// TestTimelinePages: a timeline read page by page is the whole timeline.
func TestTimelinePages(t *testing.T) {
	s := newStory(t)
	s.everything()
	s.rebuild()
	all := s.timeline("en")
	var paged []projections.TimelineEntry
	cursor := int64(0)
	for {
		page, next, err := s.q.Timeline(s.ctx, zoe, "en", cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged, cursor = append(paged, page...), next
	}
	if len(paged) != len(all) || paged[len(paged)-1].Seq != all[len(all)-1].Seq {
		t.Fatalf("paged %d entries, whole %d", len(paged), len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].At.Before(all[i-1].At) {
			t.Fatalf("entries out of order: %v then %v", all[i-1].At, all[i].At)
		}
	}
}

package commands_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// vaeReady takes d-1 of vaeWorld to admissible with both blocks mapped.
func vaeReady(t *testing.T) *world {
	w := vaeWorld(t)
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1"}))
	w.mustDo(w.h.RecordAdmissibility(w.ctx, w.call(w.counsellor), commands.RecordAdmissibility{PortfolioID: "p-zoe", DossierID: "d-1", Admissible: true, DecidedOn: "2026-02-20"}))
	for _, b := range []string{"BC01", "BC02"} {
		w.mustDo(w.h.MapToBlock(w.ctx, w.call(w.bene), commands.MapToBlock{PortfolioID: "p-zoe", DossierID: "d-1", Block: b, Item: vaeItem("x-1")}))
	}
	return w
}

func (w *world) submittedRevision() uint64 {
	var rev uint64
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { rev = p.Dossiers()["d-1"].SubmittedRevision })
	return rev
}

func TestDossierSubmissionRecordsRevision(t *testing.T) {
	w := vaeReady(t)
	stream := domain.PortfolioStream("p-zoe")
	// Another process writes to the portfolio: the handler's cached state
	// is behind, yet the submission records the stream's true revision.
	other := commands.New(w.store, w.ring, commands.Options{Now: func() time.Time { return w.now }})
	w.mustDo(other.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-3", ExperienceInput: w.experience("3")}))
	before := w.revision(stream)
	res := w.mustDo(w.h.SubmitDossier(w.ctx, w.call(w.bene), commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	if res.Revision != before+1 || w.submittedRevision() != before {
		t.Fatalf("submitted at %d recording %d, stream was at %d", res.Revision, w.submittedRevision(), before)
	}
	stored, err := w.store.ReadStream(w.ctx, stream, eventstore.ReadOptions{From: res.Revision, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		PortfolioRevision *uint64 `json:"portfolio_revision"`
	}
	if stored[0].Type != "VAEDossierSubmitted" || json.Unmarshal(stored[0].Data, &body) != nil || body.PortfolioRevision == nil || *body.PortfolioRevision != before {
		t.Fatalf("stored submission %s %s", stored[0].Type, stored[0].Data)
	}
}

func TestDossierSubmissionPinnedRevision(t *testing.T) {
	w := vaeReady(t)
	stream := domain.PortfolioStream("p-zoe")
	seen := w.revision(stream)
	w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-3", ExperienceInput: w.experience("3")}))
	// The owner submits what they saw: the portfolio moved since, so the
	// submission is refused rather than fixing a state they did not see.
	call := w.call(w.bene)
	call.IfRevision = &seen
	now := w.revision(stream)
	_, err := w.h.SubmitDossier(w.ctx, call, commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"})
	var conflict *eventstore.ConflictError
	if !errors.As(err, &conflict) || conflict.Actual != now || w.revision(stream) != now {
		t.Fatalf("stale submission: %v", err)
	}
	call.IfRevision = &now
	call.IdempotencyKey = "submit-d-1"
	res := w.mustDo(w.h.SubmitDossier(w.ctx, call, commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	if res.Revision != now+1 || w.submittedRevision() != now {
		t.Fatalf("pinned submission at %d recording %d, want %d", res.Revision, w.submittedRevision(), now)
	}
	// Sent again, it answers the same, whatever revision it names.
	call.IfRevision = nil
	again := w.mustDo(w.h.SubmitDossier(w.ctx, call, commands.SubmitDossier{PortfolioID: "p-zoe", DossierID: "d-1"}))
	if !again.Replayed || again.Revision != res.Revision || w.revision(stream) != res.Revision {
		t.Fatalf("replayed submission %+v, first %+v", again, res)
	}
}

func TestDossierAuditorReads(t *testing.T) {
	w := vaeWorld(t) // the auditor holds a grant on d-1 for 30 days
	w.mustDo(w.h.OpenDossier(w.ctx, w.call(w.bene), commands.OpenDossier{PortfolioID: "p-zoe", DossierID: "d-2", Certification: vaeCertification("RNCP35000")}))
	readDossier := func(dossier string) error {
		return w.h.ReadPortfolio(w.ctx, w.auditor, "p-zoe", dossier, func(p *domain.Portfolio, _ uint64) error {
			if p.Dossiers()[dossier] == nil {
				t.Fatalf("dossier %s not in the state read", dossier)
			}
			return nil
		})
	}
	if err := readDossier("d-1"); err != nil {
		t.Fatalf("auditor with a grant: %v", err)
	}
	if err := readDossier("d-2"); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("auditor on another dossier: %v", err)
	}
	if err := w.read(w.auditor, "p-zoe", func(*domain.Portfolio) {}); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("auditor reading the whole portfolio: %v", err)
	}
	w.now = w.now.AddDate(0, 0, 30) // the grant's end
	if err := readDossier("d-1"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("auditor after the grant's end: %v", err)
	}
}

// A VAEDossierOpened written at schema version 1 (the certification's
// fields at the top level) is stored as it was and upcast when loaded.
func TestDossierOpenedVersion1IsUpcast(t *testing.T) {
	w := newWorld(t)
	stream := domain.PortfolioStream("p-zoe")
	v1 := []byte(`{"dossier_id":"d-old","rncp_code":"RNCP34000","title":"Agent de restauration",` +
		`"blocks":[{"code":"BC01","title":"Préparer","competences":[{"code":"C1","title":"Préparer les plats"}]}]}`)
	meta := eventstore.Metadata{Actor: "p-zoe", Role: string(domain.RoleBeneficiary), Tenant: tenant, OccurredAt: w.now}.Marshal()
	res, err := w.store.Append(w.ctx, stream, eventstore.Exactly(w.revision(stream)),
		eventstore.Proposed{ID: eventstore.NewEventID(), Type: "VAEDossierOpened", SchemaVersion: 1, Data: v1, Metadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	var d domain.Dossier
	if err := w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { d = *p.Dossiers()["d-old"] }); err != nil {
		t.Fatal(err)
	}
	c := d.Certification
	if d.State != domain.DossierOpened || c.RNCPCode != "RNCP34000" || c.Title != "Agent de restauration" || len(c.Blocks) != 1 || c.Blocks[0].Competences[0].Code != "C1" {
		t.Fatalf("loaded dossier %+v", d)
	}
	stored, err := w.store.ReadStream(w.ctx, stream, eventstore.ReadOptions{From: res.LastRevision, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := w.h.Codec().Decode(w.ctx, stored[0])
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := decoded.Event.(*domain.VAEDossierOpened); !ok || e.Source != domain.DefinedInline || stored[0].SchemaVersion != 1 || string(stored[0].Data) != string(v1) {
		t.Fatalf("decoded %#v from version %d", decoded.Event, stored[0].SchemaVersion)
	}
	// The handler decides on the upcast state.
	w.mustDo(w.h.RequestAdmissibility(w.ctx, w.call(w.bene), commands.RequestAdmissibility{PortfolioID: "p-zoe", DossierID: "d-old"}))
}

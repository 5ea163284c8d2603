package auditlog

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// The dossier is computed from the portfolio's events the same way when a
// bundle is built and when it is verified: fold the events (their clear
// parts, plus the disclosed personal parts), then read the dossier off the
// state. The verifier recomputes dossier.json and dossier.html and wants
// them byte for byte.

// EventRef names the event that last set an item, and who wrote it (the
// metadata's actor, covered by the event's hash).
type EventRef struct {
	EventID    string    `json:"event_id"`
	Revision   uint64    `json:"revision"`
	Type       string    `json:"type"`
	Actor      string    `json:"actor"`
	Role       string    `json:"role,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
}

// commentKind is the key under which comments are tracked (comments are
// not items others point to, so the domain has no kind for them).
const commentKind domain.ItemKind = "comment"

// fold is the state of a portfolio after its events, and for each item the
// event that last set its content.
type fold struct {
	p          *domain.Portfolio
	content    map[domain.ItemRef]EventRef
	submission *EventRef
	sealed     map[string]bool // events that have a sealed personal part
	head       eventstore.Event
	erased     bool
}

// foldEvents applies events (one stream, from revision 0) with the
// disclosed personal parts in parts (nil: clear parts only). It fails on
// an event it cannot decode or a disclosed part that does not fit its
// event.
func foldEvents(events []eventstore.Event, parts map[string]disclosedPart, dossierID string) (f *fold, err error) {
	// A verifier folds events from an untrusted bundle: a well-chained
	// forgery reaches the domain before its proofs are found wanting. The
	// domain never fails on an event it applies, but a report is owed
	// even if a forged sequence surprised it.
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the events cannot be read as a portfolio: %v", r)
		}
	}()
	if len(events) == 0 {
		return nil, fmt.Errorf("no event")
	}
	owner, _ := cutPortfolio(events[0].Stream)
	f = &fold{p: domain.NewPortfolio(owner), content: map[domain.ItemRef]EventRef{}, sealed: map[string]bool{}, head: events[len(events)-1]}
	codec := eventcodec.New(nil) // DecodeClear needs no key
	for _, e := range events {
		d, err := codec.DecodeClear(e)
		if err != nil {
			return nil, err
		}
		if part, ok := parts[e.ID.String()]; ok {
			if err := f.open(d, part); err != nil {
				return nil, fmt.Errorf("%s@%d: %w", e.Stream, e.Revision, err)
			}
		}
		f.sealed[e.ID.String()] = d.Personal != nil
		f.p.Apply(d.Event)
		f.track(d, dossierID)
	}
	return f, nil
}

func (f *fold) open(d eventcodec.Decoded, part disclosedPart) error {
	wp, ok := d.Event.(domain.WithPersonal)
	if !ok || d.Personal == nil {
		return fmt.Errorf("a personal part is disclosed for an event that has none")
	}
	if part.Revision != d.Stored.Revision || part.Type != d.Stored.Type {
		return fmt.Errorf("disclosed part names revision %d (%s), the event is %d (%s)", part.Revision, part.Type, d.Stored.Revision, d.Stored.Type)
	}
	if part.Erased {
		f.erased = true
		return nil
	}
	if err := json.Unmarshal(part.Personal, wp.PersonalPart()); err != nil {
		return fmt.Errorf("disclosed personal part: %w", err)
	}
	return nil
}

func (f *fold) track(d eventcodec.Decoded, dossierID string) {
	ref := EventRef{EventID: d.Stored.ID.String(), Revision: d.Stored.Revision, Type: d.Stored.Type,
		Actor: d.Meta.Actor, Role: d.Meta.Role, OccurredAt: d.Meta.OccurredAt}
	set := func(kind domain.ItemKind, id string) { f.content[domain.ItemRef{Kind: kind, ID: id}] = ref }
	switch e := d.Event.(type) {
	case *domain.ExperienceAdded:
		set(domain.ItemExperience, e.ExperienceID)
	case *domain.ExperienceEdited:
		set(domain.ItemExperience, e.ExperienceID)
	case *domain.TaskAdded:
		set(domain.ItemTask, e.ExperienceID+"/"+e.TaskID)
	case *domain.TaskEdited:
		set(domain.ItemTask, e.ExperienceID+"/"+e.TaskID)
	case *domain.EvidenceAttached:
		set(domain.ItemEvidence, e.EvidenceID)
	case *domain.EvidenceRevised:
		set(domain.ItemEvidence, e.EvidenceID)
	case *domain.AttestationRecorded:
		set(domain.ItemAttestation, e.AttestationID)
	case *domain.CommentAdded:
		set(commentKind, e.CommentID)
	case *domain.VAEDossierSubmitted:
		if e.DossierID == dossierID && f.submission == nil {
			f.submission = &ref
		}
	}
}

// selection is what a dossier refers to: the items it shows.
type selection struct {
	experiences, tasks, evidence, attestations, comments []string
}

// selectItems returns the items of dossier d: the experiences and evidence
// mapped to its blocks; the live tasks of those experiences; the live
// evidence attached to them or their tasks; the attestations of that
// evidence and those tasks; the comments on any of these and on the
// dossier. Only clear fields decide, so the selection is the same before
// and after personal parts are opened.
func (f *fold) selectItems(d *domain.Dossier) selection {
	var s selection
	seen := map[domain.ItemRef]bool{}
	add := func(list *[]string, r domain.ItemRef) {
		if !seen[r] {
			seen[r] = true
			*list = append(*list, r.ID)
		}
	}
	for _, b := range d.Certification.Blocks {
		for _, r := range d.Mapping[b.Code] {
			switch r.Kind {
			case domain.ItemExperience:
				add(&s.experiences, r)
			case domain.ItemEvidence:
				add(&s.evidence, r)
			}
		}
	}
	slices.Sort(s.experiences)
	for _, x := range s.experiences {
		if exp := f.p.Experiences()[x]; exp != nil {
			for id, t := range exp.Tasks {
				if !t.Removed {
					add(&s.tasks, domain.ItemRef{Kind: domain.ItemTask, ID: x + "/" + id})
				}
			}
		}
	}
	slices.Sort(s.tasks)
	for _, id := range sortedKeys(f.p.Evidence()) {
		e := f.p.Evidence()[id]
		if e.Live() && (seen[e.Target] && (e.Target.Kind == domain.ItemExperience || e.Target.Kind == domain.ItemTask)) {
			add(&s.evidence, domain.ItemRef{Kind: domain.ItemEvidence, ID: id})
		}
	}
	slices.Sort(s.evidence)
	for _, id := range sortedKeys(f.p.Attestations()) {
		if a := f.p.Attestations()[id]; seen[a.Target] {
			add(&s.attestations, domain.ItemRef{Kind: domain.ItemAttestation, ID: id})
		}
	}
	seen[domain.ItemRef{Kind: domain.ItemDossier, ID: d.ID}] = true
	for _, id := range sortedKeys(f.p.Comments()) {
		if c := f.p.Comments()[id]; seen[c.Target] {
			s.comments = append(s.comments, id)
		}
	}
	return s
}

// disclosed returns the IDs of the events whose personal parts the
// selection needs: for each item, the event that last set its content,
// if it has a sealed part.
func (f *fold) disclosed(s selection) []string {
	var ids []string
	for _, group := range []struct {
		kind domain.ItemKind
		ids  []string
	}{{domain.ItemExperience, s.experiences}, {domain.ItemTask, s.tasks}, {domain.ItemEvidence, s.evidence},
		{domain.ItemAttestation, s.attestations}, {commentKind, s.comments}} {
		for _, id := range group.ids {
			if ref, ok := f.content[domain.ItemRef{Kind: group.kind, ID: id}]; ok && f.sealed[ref.EventID] {
				ids = append(ids, ref.EventID)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func cutPortfolio(stream string) (string, bool) {
	const prefix = "portfolio-"
	if len(stream) > len(prefix) && stream[:len(prefix)] == prefix {
		return stream[len(prefix):], true
	}
	return "", false
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
)

// loadgen writes a realistic log straight through the domain: decisions
// made by the aggregates' own methods, encoded (and sealed) by the codec,
// appended in batches. It is how benchmarks get a million events in
// seconds rather than the hours that one durable command each would take.
type loadgen struct {
	store  eventstore.Store
	codec  *eventcodec.Codec
	tenant string
	now    time.Time
	r      *rand.Rand
	events uint64
}

const loadTenant = "s-bench"

// structure registers the bench structure with n beneficiaries and a
// counsellor each ten, and returns their IDs.
func (g *loadgen) structure(ctx context.Context, n int) ([]string, error) {
	s := domain.NewStructure(loadTenant)
	var out []domain.Event
	add := func(evs []domain.Event, err error) error {
		if err != nil {
			return err
		}
		for _, e := range evs {
			s.Apply(e)
		}
		out = append(out, evs...)
		return nil
	}
	if err := add(s.RegisterStructure("Bench structure", n+10)); err != nil {
		return nil, err
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("p-%06d", i)
		if i%10 == 0 {
			if err := add(s.Enrol(fmt.Sprintf("c-%06d", i/10), domain.RoleCounsellor, domain.PersonIdentity{Name: fmt.Sprintf("Conseiller %d", i/10)})); err != nil {
				return nil, err
			}
		}
		if err := add(s.Enrol(ids[i], domain.RoleBeneficiary, domain.PersonIdentity{Name: fmt.Sprintf("Bénéficiaire %d", i), Email: fmt.Sprintf("b%d@example.org", i)})); err != nil {
			return nil, err
		}
	}
	return ids, g.write(ctx, domain.StructureStream(loadTenant), 0, "operator", domain.RoleOperator, out)
}

// portfolio writes about n events into the portfolio of id.
func (g *loadgen) portfolio(ctx context.Context, id string, n int) error {
	p := domain.NewPortfolio(id)
	var evs []domain.Event
	var actors []domain.Actor
	add := func(a domain.Actor, e []domain.Event, err error) {
		if err != nil {
			return // a refused decision is part of a realistic mix
		}
		for _, ev := range e {
			p.Apply(ev)
			evs = append(evs, ev)
			actors = append(actors, a)
		}
	}
	owner := domain.Actor{PersonID: id, Tenant: loadTenant, Role: domain.RoleBeneficiary}
	cons := domain.Actor{PersonID: "c-" + id[2:5] + "0", Tenant: loadTenant, Role: domain.RoleCounsellor}
	e, err := p.Open(loadTenant)
	add(owner, e, err)
	e, err = p.AssignCounsellor(cons.PersonID, "p-admin", g.now)
	add(domain.Actor{PersonID: "p-admin", Tenant: loadTenant, Role: domain.RoleStructureAdmin}, e, err)
	for i := 0; len(evs) < n; i++ {
		g.step(p, i, owner, cons, add)
		g.now = g.now.Add(time.Duration(g.r.IntN(3600)) * time.Second)
	}
	return g.writeAs(ctx, domain.PortfolioStream(id), evs, actors)
}

// step makes one plausible decision on p.
func (g *loadgen) step(p *domain.Portfolio, i int, owner, cons domain.Actor, add func(domain.Actor, []domain.Event, error)) {
	x := fmt.Sprintf("x-%d", i/10)
	c := fmt.Sprintf("c-%d", i/15)
	switch i % 10 {
	case 0:
		e, err := p.AddExperience(x, domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal,
			From: "2021-09-01", To: "2023-06-30", Occupation: "ROME:D1106",
			Text: domain.ExperienceText{Title: "Vendeuse en boulangerie", Organisation: "Boulangerie du Vieux-Port", Description: "Accueil, encaissement, vitrine."}})
		add(owner, e, err)
	case 1:
		e, err := p.AddTask(x, fmt.Sprint("t-", i), domain.TaskText{Title: "Encaissement", Description: "Tenue de la caisse en fin de journée."})
		add(owner, e, err)
	case 2:
		e, err := p.DeclareCompetence(c, domain.CompetenceInput{Text: domain.CompetenceText{Name: "Accueillir la clientèle"}})
		add(owner, e, err)
		e, err = p.LinkCompetence(c, domain.CompetenceLinks{Experiences: []string{x}})
		add(owner, e, err)
	case 3, 4:
		e, err := p.AttachEvidence(fmt.Sprint("ev-", i), domain.ItemRef{Kind: domain.ItemCompetence, ID: c},
			domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: "Récit", Text: fmt.Sprint("Un jour de rush, ", i)}})
		add(owner, e, err)
	case 5:
		e, err := p.AddComment(fmt.Sprint("cm-", i), domain.ItemRef{Kind: domain.ItemExperience, ID: x}, cons.PersonID, domain.RoleCounsellor,
			domain.CommentText{Text: "Pensez à préciser le volume de clients."}, g.now)
		add(cons, e, err)
	case 6:
		e, err := p.WriteJournalEntry(fmt.Sprint("j-", i), owner, domain.DateOf(g.now), "Atelier CV ce matin.", g.now)
		add(owner, e, err)
	case 7:
		e, err := p.AssessCompetence(c, cons.PersonID, domain.RoleCounsellor, domain.ResultPartly, domain.CommentText{Text: "En bonne voie."}, g.now)
		add(cons, e, err)
	case 8:
		e, err := p.EditExperience(x, domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextFormal, From: "2021-09-01",
			Text: domain.ExperienceText{Title: "Vendeuse", Description: fmt.Sprint("Version ", i)}})
		add(owner, e, err)
	default:
		e, err := p.SetGoal(fmt.Sprint("goal-", i), domain.GoalInput{Kind: domain.GoalJobSearch, Target: domain.DateOf(g.now.AddDate(0, 6, 0)),
			Text: domain.GoalText{Title: "Trouver un CDI"}}, g.now)
		add(owner, e, err)
	}
}

func (g *loadgen) write(ctx context.Context, stream string, _ uint64, actor string, role domain.Role, evs []domain.Event) error {
	actors := make([]domain.Actor, len(evs))
	for i := range actors {
		actors[i] = domain.Actor{PersonID: actor, Tenant: g.tenant, Role: role}
	}
	return g.writeAs(ctx, stream, evs, actors)
}

// writeAs encodes and appends evs to a new stream, 256 per append.
func (g *loadgen) writeAs(ctx context.Context, stream string, evs []domain.Event, actors []domain.Actor) error {
	const batch = 256
	for start := 0; start < len(evs); start += batch {
		end := min(start+batch, len(evs))
		proposed := make([]eventstore.Proposed, 0, end-start)
		for i := start; i < end; i++ {
			meta, _ := json.Marshal(eventcodec.Metadata{Metadata: eventstore.Metadata{Actor: actors[i].PersonID, Role: string(actors[i].Role), Tenant: g.tenant, OccurredAt: g.now}})
			p, err := g.codec.Encode(ctx, g.tenant, stream, uint64(i), eventstore.NewEventID(), evs[i], meta)
			if err != nil {
				return err
			}
			proposed = append(proposed, p)
		}
		exp := eventstore.NoStream
		if start > 0 {
			exp = eventstore.Exactly(uint64(start - 1))
		}
		if _, err := g.store.Append(ctx, stream, exp, proposed...); err != nil {
			return fmt.Errorf("append to %s: %w", stream, err)
		}
		g.events += uint64(len(proposed))
	}
	return nil
}

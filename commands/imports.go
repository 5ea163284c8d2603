package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// ImportStep is one ordinary command of an import (package formats makes
// them from a file): exactly one command field is set. Its IDs are
// stable (derived from the file), so a step whose item is already in the
// portfolio is left out: importing the same file twice adds nothing.
type ImportStep struct {
	Source     string // where in the file the step comes from, for the report
	Experience *AddExperience
	Task       *AddTask
	Competence *DeclareCompetence
	Link       *LinkCompetence
	Evidence   *AttachEvidence
	Goal       *SetGoal
	// Prepare, if set, runs on an Evidence step that is not in the
	// portfolio yet, before it is decided: with store false (a preview)
	// it checks the step's file and sets a reference to stand for it;
	// with store true it stores the file and sets its reference. An
	// error refuses that step alone.
	Prepare func(ctx context.Context, store bool, cmd *AttachEvidence) error
}

// ImportOutcome is what became of a step.
type ImportOutcome string

const (
	ImportAdded   ImportOutcome = "added"   // applied (in a preview: would be)
	ImportPresent ImportOutcome = "present" // already in the portfolio: nothing to do
	ImportRefused ImportOutcome = "refused" // the domain refused it; Reason says why
)

// ImportedStep reports a step.
type ImportedStep struct {
	Source  string        `json:"source"`
	Kind    string        `json:"kind"`
	ID      string        `json:"id"`
	Outcome ImportOutcome `json:"outcome"`
	Reason  string        `json:"reason,omitempty"`
}

// ImportReport answers an import: each step's outcome and the counts.
type ImportReport struct {
	Preview bool           `json:"preview"`
	Added   int            `json:"added"`
	Present int            `json:"present"`
	Refused int            `json:"refused"`
	Steps   []ImportedStep `json:"steps"`
	// Result is where the events landed (zero in a preview, or when
	// nothing was added).
	Result Result `json:"-"`
}

// importBatch bounds the events of one append: a large import lands in
// several, each all or nothing (an interrupted one is finished by
// importing the file again).
const importBatch = 1000

// Import decides steps as their ordinary commands would, one after the
// other on the portfolio's state, for the owner or an assigned
// counsellor (actImport). With preview it changes nothing and reports
// what would be done; otherwise the events of the steps not refused are
// appended, with the revision the steps were decided on expected (a
// concurrent change makes it a conflict: import again). digest names the
// file, for the idempotency key.
func (h *Handler) Import(ctx context.Context, call Call, portfolioID, digest string, steps []ImportStep, preview bool) (ImportReport, error) {
	rep, events, next, err := h.planImport(ctx, call, portfolioID, steps, preview)
	if err != nil || preview {
		return rep, err
	}
	if len(events) == 0 {
		return rep, nil
	}
	if call.IfRevision != nil && (next == 0 || *call.IfRevision != next-1) {
		return rep, &eventstore.ConflictError{Stream: domain.PortfolioStream(portfolioID), Expected: eventstore.Exactly(*call.IfRevision),
			Actual: next - 1, Exists: next > 0}
	}
	request := struct {
		PortfolioID string `json:"portfolio_id"`
		Digest      string `json:"digest"`
	}{portfolioID, digest}
	for start := 0; start < len(events); start += importBatch {
		batch := events[start:min(start+importBatch, len(events))]
		c := call
		rev := next - 1
		c.IfRevision = &rev
		if start > 0 {
			c.IdempotencyKey = ""
		}
		res, err := h.portfolioUpdate(ctx, c, portfolioID, actImport, nil, request, false,
			func(*domain.Portfolio, time.Time) ([]domain.Event, error) { return batch, nil })
		if err != nil {
			return rep, err
		}
		if res.Replayed {
			rep.Result = res
			return rep, nil
		}
		next = res.Revision + 1
		rep.Result = res
	}
	return rep, nil
}

// planImport decides steps on a copy of the portfolio's state read from
// its stream (the cached one is not touched), applying each step's
// events before the next: it answers the report, the events and the
// revision after which they go. Unless preview, Prepare stores the
// files of the evidence to add (a file whose evidence the domain then
// refuses stays unused, as an upload never attached).
func (h *Handler) planImport(ctx context.Context, call Call, id string, steps []ImportStep, preview bool) (ImportReport, []domain.Event, uint64, error) {
	rep := ImportReport{Preview: preview}
	a := call.Actor
	if err := validActor(a); err != nil {
		return rep, nil, 0, err
	}
	if !domain.ValidID(id) {
		return rep, nil, 0, &domain.Error{Kind: domain.KindNotFound, Field: "portfolio", Reason: "no portfolio " + id}
	}
	stream := domain.PortfolioStream(id)
	scratch := &entry{state: domain.NewPortfolio(id), idem: map[string]idemRecord{}}
	if err := h.catchUp(ctx, scratch, stream); err != nil {
		return rep, nil, 0, err
	}
	p := scratch.state.(*domain.Portfolio)
	now := h.now()
	if err := h.withStructure(ctx, a.Tenant, func(st *domain.Structure) error {
		return authorize(a, st, p, actImport, nil, "", now)
	}); err != nil {
		return rep, nil, 0, err
	}
	var all []domain.Event
	for i := range steps {
		if err := ctx.Err(); err != nil {
			return rep, nil, 0, err
		}
		st := &steps[i]
		kind, itemID := st.describe()
		out := ImportedStep{Source: st.Source, Kind: kind, ID: itemID, Outcome: ImportAdded}
		events, err := st.decide(ctx, p, now, !preview)
		var de *domain.Error
		switch {
		case errors.Is(err, errPresent):
			out.Outcome = ImportPresent
			rep.Present++
		case errors.As(err, &de):
			out.Outcome, out.Reason = ImportRefused, de.Reason
			if de.Field != "" {
				out.Reason = de.Field + ": " + de.Reason
			}
			rep.Refused++
		case err != nil:
			return rep, nil, 0, err
		default:
			for _, ev := range events {
				p.Apply(ev)
			}
			all = append(all, events...)
			rep.Added++
		}
		rep.Steps = append(rep.Steps, out)
	}
	return rep, all, scratch.next, nil
}

var errPresent = errors.New("already in the portfolio")

func (st *ImportStep) describe() (kind, id string) {
	switch {
	case st.Experience != nil:
		return "experience", st.Experience.ExperienceID
	case st.Task != nil:
		return "task", st.Task.ExperienceID + "/" + st.Task.TaskID
	case st.Competence != nil:
		return "competence", st.Competence.CompetenceID
	case st.Link != nil:
		return "link", st.Link.CompetenceID
	case st.Evidence != nil:
		return "evidence", st.Evidence.EvidenceID
	case st.Goal != nil:
		return "goal", st.Goal.GoalID
	}
	return "", ""
}

// decide decides the step as its command does, or answers errPresent.
func (st *ImportStep) decide(ctx context.Context, p *domain.Portfolio, now time.Time, store bool) ([]domain.Event, error) {
	switch {
	case st.Experience != nil:
		c := st.Experience
		if _, ok := p.Experiences()[c.ExperienceID]; ok {
			return nil, errPresent
		}
		return p.AddExperience(c.ExperienceID, c.ExperienceInput)
	case st.Task != nil:
		c := st.Task
		if x, ok := p.Experiences()[c.ExperienceID]; ok && x.Tasks[c.TaskID] != nil {
			return nil, errPresent
		}
		return p.AddTask(c.ExperienceID, c.TaskID, c.Text)
	case st.Competence != nil:
		c := st.Competence
		if _, ok := p.Competences()[c.CompetenceID]; ok {
			return nil, errPresent
		}
		return p.DeclareCompetence(c.CompetenceID, c.CompetenceInput)
	case st.Link != nil:
		events, err := p.LinkCompetence(st.Link.CompetenceID, st.Link.CompetenceLinks)
		if domain.KindOf(err) == domain.KindConflict {
			return nil, errPresent // linked already
		}
		return events, err
	case st.Evidence != nil:
		c := *st.Evidence
		if _, ok := p.Evidence()[c.EvidenceID]; ok {
			return nil, errPresent
		}
		if st.Prepare != nil && (store || c.File == nil) {
			if err := st.Prepare(ctx, store, &c); err != nil {
				return nil, err
			}
		}
		return p.AttachEvidence(c.EvidenceID, c.Target, c.EvidenceInput)
	case st.Goal != nil:
		c := st.Goal
		if _, ok := p.Goals()[c.GoalID]; ok {
			return nil, errPresent
		}
		return p.SetGoal(c.GoalID, c.GoalInput, now)
	}
	return nil, fmt.Errorf("import step %q: no command", st.Source)
}

// AuthorizeImport reports whether a may import a file into portfolio id
// (actImport), before the file is read. Errors are those of the
// commands: not found when a may not know the portfolio, forbidden else.
func (h *Handler) AuthorizeImport(ctx context.Context, a domain.Actor, id string) error {
	return h.withPortfolio(ctx, a, id, func(p *domain.Portfolio, st *domain.Structure, now time.Time) error {
		return authorize(a, st, p, actImport, nil, "", now)
	})
}

package projections

import (
	"context"
	"strings"

	"github.com/parcours/parcours/domain"
)

// PortfolioItems is what a résumé of a whole portfolio shows: its owner,
// every live experience (with its live tasks) and every competence, in ID
// order, resolved from the items read model as a CV is.
type PortfolioItems struct {
	PortfolioID string           `json:"portfolio_id"`
	Owner       PersonView       `json:"owner"`
	Experiences []ExperienceView `json:"experiences"`
	Competences []CompetenceView `json:"competences"`
}

// PortfolioItems returns the live items of portfolio id. A portfolio the
// read model does not know answers no items, not an error: the caller
// authorizes the read against the portfolio itself first.
func (q *Queries) PortfolioItems(ctx context.Context, id string) (PortfolioItems, error) {
	return q.portfolioItems(ctx, id, false)
}

func (q *Queries) portfolioItems(ctx context.Context, id string, deep bool) (PortfolioItems, error) {
	r, err := q.begin(ctx, itemsModel)
	if err != nil {
		return PortfolioItems{}, err
	}
	defer r.close()
	s := newResolver(r, id, deep)
	v := PortfolioItems{PortfolioID: id}
	if v.Owner, err = s.person(id); err != nil {
		return PortfolioItems{}, err
	}
	experiences, err := s.keys(string(domain.ItemExperience))
	if err != nil {
		return PortfolioItems{}, err
	}
	if v.Experiences, err = s.experiences(experiences); err != nil {
		return PortfolioItems{}, err
	}
	competences, err := s.keys(string(domain.ItemCompetence))
	if err != nil {
		return PortfolioItems{}, err
	}
	for _, cid := range competences {
		c, err := s.competence(cid)
		if err != nil {
			return PortfolioItems{}, err
		}
		if c != nil {
			v.Competences = append(v.Competences, *c)
		}
	}
	return v, nil
}

// keys lists the IDs of the portfolio's documents in item namespace ns.
func (s *resolver) keys(ns string) ([]string, error) {
	var ids []string
	err := s.r.scan(ns, s.pid+"/", func(key string, _ []byte) error {
		ids = append(ids, strings.TrimPrefix(key, s.pid+"/"))
		return nil
	})
	return ids, err
}

// Contact is how a person can be reached, as their structure enrolled
// them. It is personal data beyond the name that CVs show: only the
// person themself should be shown it.
type Contact struct {
	Name   string `json:"name,omitempty"`
	Email  string `json:"email,omitempty"`
	Erased bool   `json:"erased,omitempty"`
}

// Contact returns person id's name and email; both are empty for an
// unknown person, and for an erased one, with Erased set.
func (q *Queries) Contact(ctx context.Context, id string) (Contact, error) {
	r, err := q.begin(ctx, itemsModel)
	if err != nil {
		return Contact{}, err
	}
	defer r.close()
	doc, _, err := load[personDoc](r, nsPerson, id)
	if err != nil {
		return Contact{}, err
	}
	e, erased, err := r.openEvent(doc.Personal)
	if err != nil {
		return Contact{}, err
	}
	c := Contact{Erased: erased}
	if pe, ok := e.(*domain.PersonEnrolled); ok {
		c.Name, c.Email = pe.Personal.Name, pe.Personal.Email
	}
	return c, nil
}

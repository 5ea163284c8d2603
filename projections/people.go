package projections

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parcours/parcours/domain"
)

// Member is a person of a structure as its admins see them.
type Member struct {
	PersonView
	Role   domain.Role `json:"role"`
	Active bool        `json:"active"`
}

// StructureMembers returns the members of structure id, those who left
// included, ordered by role then name; found is false if the read model
// has no such structure. Erased people read as erased.
func (q *Queries) StructureMembers(ctx context.Context, id string) ([]Member, bool, error) {
	var doc overviewDoc
	found, err := q.db.Doc(ctx, Overview{}.Name(), "structure", id, &doc)
	if err != nil || !found {
		return nil, found, err
	}
	out := make([]Member, 0, len(doc.Members))
	for pid, m := range doc.Members {
		name, erased, err := q.personName(ctx, m.Name)
		if err != nil {
			return nil, true, err
		}
		out = append(out, Member{PersonView: PersonView{ID: pid, Name: name, Erased: erased}, Role: m.Role, Active: m.Active})
	}
	slices.SortFunc(out, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, true, nil
}

// GrantedPortfolios returns the owners of the portfolios in which person
// was ever granted access as a tutor or an auditor, revoked and expired
// grants included, in ID order. It reads the grant index the timeline
// keeps, so it answers what a grant made, never what the grant allows:
// the caller authorizes each portfolio and checks its current grants
// (commands.Handler.ReadPortfolio) before showing anything of it. Its
// cost grows with the grants of every structure; a read model of grants
// by grantee should replace it when that matters.
func (q *Queries) GrantedPortfolios(ctx context.Context, person string) ([]PersonView, error) {
	owners := map[string]bool{}
	const page = 1000
	for after := ""; ; {
		n := 0
		err := q.db.Docs(ctx, Timelines{}.Name(), nsGrantee, after, page, func(key string, raw []byte) error {
			n, after = n+1, key
			var g granteeDoc
			if err := json.Unmarshal(raw, &g); err != nil {
				return fmt.Errorf("decode grantee %s: %w", key, err)
			}
			if pid, _, ok := strings.Cut(key, "/"); ok && g.Person == person {
				owners[pid] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if n < page {
			break
		}
	}
	if len(owners) == 0 {
		return []PersonView{}, nil
	}
	r, err := q.begin(ctx, Timelines{}.Name())
	if err != nil {
		return nil, err
	}
	defer r.close()
	s := newResolver(r, "", false)
	out := make([]PersonView, 0, len(owners))
	for _, pid := range slices.Sorted(maps.Keys(owners)) {
		v, err := s.person(pid)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// DossiersOf returns the VAE dossiers of each of the portfolios, in
// dossier ID order; a portfolio without dossier has no entry. It does not
// authorize: the caller shows them only to whom may know them.
func (q *Queries) DossiersOf(ctx context.Context, portfolioIDs []string) (map[string][]DossierStatus, error) {
	r, err := q.begin(ctx, VAEDossiers{}.Name())
	if err != nil {
		return nil, err
	}
	defer r.close()
	out := map[string][]DossierStatus{}
	for _, pid := range portfolioIDs {
		if pid == "" {
			continue
		}
		err := r.scan(nsDossier, pid+"/", func(key string, raw []byte) error {
			var d dossierDoc
			if err := json.Unmarshal(raw, &d); err != nil {
				return fmt.Errorf("decode dossier %s: %w", key, err)
			}
			out[pid] = append(out[pid], DossierStatus{DossierID: strings.TrimPrefix(key, pid+"/"), RNCPCode: d.Certification.RNCPCode,
				Title: d.Certification.Title, State: d.State, Blocks: len(d.Certification.Blocks), Decided: len(d.Decisions)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// People names each of the people, from the items read model; unknown
// people (the operator) have no name, erased ones read as erased.
func (q *Queries) People(ctx context.Context, ids []string) (map[string]PersonView, error) {
	r, err := q.begin(ctx, itemsModel)
	if err != nil {
		return nil, err
	}
	defer r.close()
	s := newResolver(r, "", false)
	out := make(map[string]PersonView, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		v, err := s.person(id)
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, nil
}

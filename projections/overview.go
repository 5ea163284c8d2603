package projections

import (
	"context"
	"sort"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Overview is the structure overview: seats used and free, active
// beneficiaries, and each counsellor's load.
type Overview struct{}

func (Overview) Name() string { return "overview" }
func (Overview) Version() int { return 1 }

type overviewDoc struct {
	Name        string                     `json:"name"`
	Seats       int                        `json:"seats"`
	Members     map[string]overviewMember  `json:"members"`
	Assignments map[string]map[string]bool `json:"assignments"` // counsellor → beneficiaries
}

type overviewMember struct {
	Role   domain.Role             `json:"role"`
	Active bool                    `json:"active"`
	Name   *eventcodec.PersonalRef `json:"name_ref,omitempty"`
}

func (Overview) Apply(b *Batch, d eventcodec.Decoded) error {
	tenant := d.Meta.Tenant
	if tenant == "" {
		return nil
	}
	doc, _, err := Get[overviewDoc](b, "structure", tenant)
	if err != nil {
		return err
	}
	if doc.Members == nil {
		doc.Members, doc.Assignments = map[string]overviewMember{}, map[string]map[string]bool{}
	}
	portfolio := portfolioOf(d.Stored.Stream)
	switch e := d.Event.(type) {
	case *domain.StructureRegistered:
		doc.Name, doc.Seats = e.Name, e.Seats
	case *domain.SeatsChanged:
		doc.Seats = e.Seats
	case *domain.PersonEnrolled:
		doc.Members[e.PersonID] = overviewMember{Role: e.Role, Active: true, Name: d.Personal}
	case *domain.PersonLeft:
		m := doc.Members[e.PersonID]
		m.Active = false
		doc.Members[e.PersonID] = m
	case *domain.CounsellorAssigned:
		if doc.Assignments[e.CounsellorID] == nil {
			doc.Assignments[e.CounsellorID] = map[string]bool{}
		}
		doc.Assignments[e.CounsellorID][portfolio] = true
	case *domain.CounsellorUnassigned:
		delete(doc.Assignments[e.CounsellorID], portfolio)
	default:
		return nil
	}
	b.Put("structure", tenant, doc)
	return nil
}

// StructureOverview is what a structure admin sees of their structure.
type StructureOverview struct {
	StructureID         string           `json:"structure_id"`
	Name                string           `json:"name"`
	Seats               int              `json:"seats"`
	SeatsUsed           int              `json:"seats_used"`
	SeatsFree           int              `json:"seats_free"`
	ActiveBeneficiaries int              `json:"active_beneficiaries"`
	Counsellors         []CounsellorLoad `json:"counsellors"`
	ActiveMembersByRole map[string]int   `json:"active_members_by_role"`
}

// CounsellorLoad is one counsellor's caseload size.
type CounsellorLoad struct {
	PersonID      string `json:"person_id"`
	Name          string `json:"name"`
	Erased        bool   `json:"erased,omitempty"`
	Beneficiaries int    `json:"beneficiaries"`
}

// StructureOverview returns the overview of a structure; found is false if
// the read model has no such structure.
func (q *Queries) StructureOverview(ctx context.Context, id string) (StructureOverview, bool, error) {
	var doc overviewDoc
	found, err := q.db.Doc(ctx, "overview", "structure", id, &doc)
	if err != nil || !found {
		return StructureOverview{}, found, err
	}
	o := StructureOverview{StructureID: id, Name: doc.Name, Seats: doc.Seats, ActiveMembersByRole: map[string]int{}}
	for pid, m := range doc.Members {
		if !m.Active {
			continue
		}
		o.ActiveMembersByRole[string(m.Role)]++
		if m.Role == domain.RoleBeneficiary {
			o.ActiveBeneficiaries++
		}
		if m.Role == domain.RoleCounsellor {
			name, erased, err := q.personName(ctx, m.Name)
			if err != nil {
				return o, true, err
			}
			o.Counsellors = append(o.Counsellors, CounsellorLoad{PersonID: pid, Name: name, Erased: erased, Beneficiaries: len(doc.Assignments[pid])})
		}
	}
	sort.Slice(o.Counsellors, func(i, j int) bool { return o.Counsellors[i].PersonID < o.Counsellors[j].PersonID })
	o.SeatsUsed, o.SeatsFree = o.ActiveBeneficiaries, max(0, doc.Seats-o.ActiveBeneficiaries)
	return o, true, nil
}

// personName opens a person's name; erased people read as erased.
func (q *Queries) personName(ctx context.Context, ref *eventcodec.PersonalRef) (string, bool, error) {
	var who domain.PersonIdentity
	erased, err := q.codec.OpenInto(ctx, ref, &who)
	return who.Name, erased, err
}

// portfolioOf returns the portfolio ID of a portfolio stream, or "".
func portfolioOf(stream string) string {
	const prefix = "portfolio-"
	if len(stream) > len(prefix) && stream[:len(prefix)] == prefix {
		return stream[len(prefix):]
	}
	return ""
}

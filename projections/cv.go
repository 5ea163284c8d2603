package projections

import (
	"context"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// CVs is the CV view: each CV as it would be shown, its selection of
// experiences (with their tasks), competences (with their framework
// reference and state) and education resolved from the items read model
// when it is read, so an edit or a removal of a selected item shows at
// once.
type CVs struct{}

func (CVs) Name() string { return "cv" }
func (CVs) Version() int { return 1 }

const nsCV = "cv"

type cvDoc struct {
	Experiences []string                `json:"experiences,omitempty"`
	Competences []string                `json:"competences,omitempty"`
	Education   []string                `json:"education,omitempty"`
	Removed     bool                    `json:"removed,omitempty"`
	Personal    *eventcodec.PersonalRef `json:"personal,omitempty"`
}

func (CVs) Apply(b *Batch, d eventcodec.Decoded) error {
	pid := portfolioOf(d.Stored.Stream)
	switch e := d.Event.(type) {
	case *domain.CVCreated:
		b.Put(nsCV, itemKey(pid, e.CVID), &cvDoc{Experiences: e.Experiences, Competences: e.Competences, Education: e.Education, Personal: d.Personal})
	case *domain.CVEdited:
		return update(b, nsCV, itemKey(pid, e.CVID), func(cv *cvDoc) {
			cv.Experiences, cv.Competences, cv.Education, cv.Personal = e.Experiences, e.Competences, e.Education, d.Personal
		})
	case *domain.CVRemoved:
		return update(b, nsCV, itemKey(pid, e.CVID), func(cv *cvDoc) { cv.Removed = true })
	}
	return nil
}

// CVView is a CV as it is shown: its text, its owner, and the selected
// items still there, in the order selected.
type CVView struct {
	PortfolioID string           `json:"portfolio_id"`
	CVID        string           `json:"cv_id"`
	Owner       PersonView       `json:"owner"`
	Title       string           `json:"title,omitempty"`
	TargetJob   string           `json:"target_job,omitempty"`
	Summary     string           `json:"summary,omitempty"`
	Erased      bool             `json:"erased,omitempty"`
	Experiences []ExperienceView `json:"experiences"`
	Competences []CompetenceView `json:"competences"`
	Education   []ExperienceView `json:"education"`
}

// CV returns a CV of a portfolio; found is false if there is no such CV
// or it was removed. Selected items removed since are left out. Once the
// owner is erased the CV reads as erased (Erased set, text empty).
func (q *Queries) CV(ctx context.Context, portfolioID, cvID string) (CVView, bool, error) {
	r, err := q.begin(ctx, CVs{}.Name())
	if err != nil {
		return CVView{}, false, err
	}
	defer r.close()
	doc, found, err := load[cvDoc](r, nsCV, itemKey(portfolioID, cvID))
	if err != nil || !found || doc.Removed {
		return CVView{}, false, err
	}
	s := newResolver(r, portfolioID, false)
	v := CVView{PortfolioID: portfolioID, CVID: cvID}
	if v.Owner, err = s.person(portfolioID); err != nil {
		return CVView{}, false, err
	}
	if err := v.open(r, doc.Personal); err != nil {
		return CVView{}, false, err
	}
	if v.Experiences, err = s.experiences(doc.Experiences); err != nil {
		return CVView{}, false, err
	}
	if v.Education, err = s.experiences(doc.Education); err != nil {
		return CVView{}, false, err
	}
	for _, id := range doc.Competences {
		c, err := s.competence(id)
		if err != nil {
			return CVView{}, false, err
		}
		if c != nil {
			v.Competences = append(v.Competences, *c)
		}
	}
	return v, true, nil
}

// open fills the CV's text from the event that last set it.
func (v *CVView) open(r *reading, ref *eventcodec.PersonalRef) error {
	e, erased, err := r.openEvent(ref)
	if err != nil {
		return err
	}
	var t domain.CVText
	switch e := e.(type) {
	case *domain.CVCreated:
		t = e.Personal
	case *domain.CVEdited:
		t = e.Personal
	}
	v.Title, v.TargetJob, v.Summary, v.Erased = t.Title, t.TargetJob, t.Summary, erased
	return nil
}

// experiences resolves the live experiences among ids, in order.
func (s *resolver) experiences(ids []string) ([]ExperienceView, error) {
	var out []ExperienceView
	for _, id := range ids {
		x, err := s.experience(id)
		if err != nil {
			return nil, err
		}
		if x != nil {
			out = append(out, *x)
		}
	}
	return out, nil
}

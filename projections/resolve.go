package projections

import (
	"strings"

	"github.com/parcours/parcours/domain"
)

// resolver turns the item documents of one portfolio, in one reading,
// into views. A missing or removed item resolves to nil. With deep set,
// items come with the evidence, attestations and comments that point to
// them.
type resolver struct {
	r        *reading
	pid      string
	deep     bool
	people   map[string]PersonView
	evidence map[string]*EvidenceView // shallow views, by ID
}

func newResolver(r *reading, pid string, deep bool) *resolver {
	return &resolver{r: r, pid: pid, deep: deep, people: map[string]PersonView{}, evidence: map[string]*EvidenceView{}}
}

// person names a person; unknown people (the operator) have no name.
func (s *resolver) person(id string) (PersonView, error) {
	if v, ok := s.people[id]; ok {
		return v, nil
	}
	v := PersonView{ID: id}
	doc, _, err := load[personDoc](s.r, nsPerson, id)
	if err != nil {
		return v, err
	}
	e, erased, err := s.r.openEvent(doc.Personal)
	if err != nil {
		return v, err
	}
	if pe, ok := e.(*domain.PersonEnrolled); ok {
		v.Name = pe.Personal.Name
	}
	v.Erased = erased
	s.people[id] = v
	return v, nil
}

// experience resolves a live experience with its live tasks.
func (s *resolver) experience(id string) (*ExperienceView, error) {
	x, ok, err := load[experienceDoc](s.r, string(domain.ItemExperience), itemKey(s.pid, id))
	if err != nil || !ok || x.Removed {
		return nil, err
	}
	v := &ExperienceView{ID: id, Kind: x.Kind, Context: x.Context, From: x.From, To: x.To, Occupation: x.Occupation}
	e, erased, err := s.r.openEvent(x.Personal)
	if err != nil {
		return nil, err
	}
	v.Erased = erased
	switch e := e.(type) {
	case *domain.ExperienceAdded:
		v.Title, v.Place, v.Organisation, v.Description = e.Personal.Title, e.Personal.Place, e.Personal.Organisation, e.Personal.Description
	case *domain.ExperienceEdited:
		v.Title, v.Place, v.Organisation, v.Description = e.Personal.Title, e.Personal.Place, e.Personal.Organisation, e.Personal.Description
	}
	for _, tid := range x.Tasks {
		t, err := s.task(id + "/" + tid)
		if err != nil {
			return nil, err
		}
		if t != nil {
			v.Tasks = append(v.Tasks, *t)
		}
	}
	if s.deep {
		v.Evidence, _, v.Comments, err = s.around(domain.ItemRef{Kind: domain.ItemExperience, ID: id})
	}
	return v, err
}

// liveTask resolves a task ("EXPERIENCE/TASK") whose experience is live.
func (s *resolver) liveTask(ref string) (*TaskView, error) {
	live, err := s.taskLive(ref)
	if err != nil || !live {
		return nil, err
	}
	return s.task(ref)
}

// taskLive reports whether a task and its experience are there.
func (s *resolver) taskLive(ref string) (bool, error) {
	exp, _, _ := strings.Cut(ref, "/")
	x, ok, err := load[experienceDoc](s.r, string(domain.ItemExperience), itemKey(s.pid, exp))
	if err != nil || !ok || x.Removed {
		return false, err
	}
	t, ok, err := load[taskDoc](s.r, string(domain.ItemTask), itemKey(s.pid, ref))
	return ok && !t.Removed, err
}

// task resolves a live task of an experience known to be live.
func (s *resolver) task(ref string) (*TaskView, error) {
	t, ok, err := load[taskDoc](s.r, string(domain.ItemTask), itemKey(s.pid, ref))
	if err != nil || !ok || t.Removed {
		return nil, err
	}
	v := &TaskView{ID: ref}
	e, erased, err := s.r.openEvent(t.Personal)
	if err != nil {
		return nil, err
	}
	v.Erased = erased
	switch e := e.(type) {
	case *domain.TaskAdded:
		v.Title, v.Description = e.Personal.Title, e.Personal.Description
	case *domain.TaskEdited:
		v.Title, v.Description = e.Personal.Title, e.Personal.Description
	}
	if s.deep {
		v.Evidence, v.Attestations, v.Comments, err = s.around(domain.ItemRef{Kind: domain.ItemTask, ID: ref})
	}
	return v, err
}

// around resolves what points to target: its evidence (withdrawn ones
// left out), attestations and comments.
func (s *resolver) around(target domain.ItemRef) ([]EvidenceView, []AttestationView, []CommentView, error) {
	refs, _, err := load[refsDoc](s.r, nsRefs, refsKey(s.pid, target))
	if err != nil {
		return nil, nil, nil, err
	}
	var evidence []EvidenceView
	for _, id := range refs.Evidence {
		v, err := s.deepEvidence(id)
		if err != nil {
			return nil, nil, nil, err
		}
		if v != nil && !v.Withdrawn {
			evidence = append(evidence, *v)
		}
	}
	attestations, err := s.attestations(refs.Attestations)
	if err != nil {
		return nil, nil, nil, err
	}
	comments, err := s.comments(refs.Comments)
	return evidence, attestations, comments, err
}

// deepEvidence resolves an evidence with, if deep, its attestations and
// comments.
func (s *resolver) deepEvidence(id string) (*EvidenceView, error) {
	base, err := s.shallowEvidence(id)
	if err != nil || base == nil {
		return nil, err
	}
	v := *base
	if s.deep {
		_, v.Attestations, v.Comments, err = s.around(domain.ItemRef{Kind: domain.ItemEvidence, ID: id})
	}
	return &v, err
}

// shallowEvidence resolves an evidence, withdrawn or not, once per query.
func (s *resolver) shallowEvidence(id string) (*EvidenceView, error) {
	if v, ok := s.evidence[id]; ok {
		return v, nil
	}
	x, ok, err := load[evidenceDoc](s.r, string(domain.ItemEvidence), itemKey(s.pid, id))
	if err != nil || !ok {
		return nil, err
	}
	v := &EvidenceView{ID: id, Target: x.Target, Kind: x.Kind, Withdrawn: x.Withdrawn, SupersededBy: x.SupersededBy}
	e, erased, err := s.r.openEvent(x.Personal)
	if err != nil {
		return nil, err
	}
	v.Erased = erased
	switch e := e.(type) {
	case *domain.EvidenceAttached:
		v.ContentHash, v.File = e.ContentHash, e.File
		v.Title, v.Text, v.URL, v.FileName = e.Personal.Title, e.Personal.Text, e.Personal.URL, e.Personal.FileName
	case *domain.EvidenceRevised:
		v.ContentHash, v.File = e.ContentHash, e.File
		v.Title, v.Text, v.URL, v.FileName = e.Personal.Title, e.Personal.Text, e.Personal.URL, e.Personal.FileName
	}
	s.evidence[id] = v
	return v, nil
}

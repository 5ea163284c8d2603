package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// RecruiterPages is the recruiter page: a published page's content, found
// by the SHA-256 of a share link's token (the page events record only
// that hash), while the link is neither revoked nor expired and the page
// not removed. Its items are resolved from the items read model when the
// page is read.
type RecruiterPages struct{}

func (RecruiterPages) Name() string { return "recruiter" }
func (RecruiterPages) Version() int { return 1 }

const (
	nsPage = "page" // PORTFOLIO/PAGE → pageDoc
	nsLink = "link" // token hash → linkDoc
)

type pageDoc struct {
	Items    []domain.ItemRef        `json:"items,omitempty"`
	Removed  bool                    `json:"removed,omitempty"`
	Links    map[string]string       `json:"links,omitempty"` // link ID → token hash
	Personal *eventcodec.PersonalRef `json:"personal,omitempty"`
}

type linkDoc struct {
	Portfolio string    `json:"portfolio"`
	Page      string    `json:"page"`
	Link      string    `json:"link"`
	Until     time.Time `json:"until,omitzero"`
	Public    bool      `json:"public,omitempty"`
	Revoked   bool      `json:"revoked,omitempty"`
}

func (RecruiterPages) Apply(b *Batch, d eventcodec.Decoded) error {
	pid := portfolioOf(d.Stored.Stream)
	switch e := d.Event.(type) {
	case *domain.PageCreated:
		b.Put(nsPage, itemKey(pid, e.PageID), &pageDoc{Items: e.Items, Personal: d.Personal})
	case *domain.PageEdited:
		return update(b, nsPage, itemKey(pid, e.PageID), func(p *pageDoc) { p.Items, p.Personal = e.Items, d.Personal })
	case *domain.PageRemoved:
		return update(b, nsPage, itemKey(pid, e.PageID), func(p *pageDoc) { p.Removed = true })
	case *domain.PagePublished:
		b.Put(nsLink, e.TokenHash, &linkDoc{Portfolio: pid, Page: e.PageID, Link: e.LinkID, Until: e.Until, Public: e.Public})
		return update(b, nsPage, itemKey(pid, e.PageID), func(p *pageDoc) {
			if p.Links == nil {
				p.Links = map[string]string{}
			}
			p.Links[e.LinkID] = e.TokenHash
		})
	case *domain.ShareLinkRevoked:
		p, ok, err := Get[pageDoc](b, nsPage, itemKey(pid, e.PageID))
		if err != nil || !ok || p.Links[e.LinkID] == "" {
			return err
		}
		return update(b, nsLink, p.Links[e.LinkID], func(l *linkDoc) { l.Revoked = true })
	}
	return nil
}

// Errors of RecruiterPage.
var (
	// ErrPageNotFound: no share link has this token.
	ErrPageNotFound = errors.New("no page has this link")
	// ErrPageGone: the link was revoked, it expired, or its page was
	// removed.
	ErrPageGone = errors.New("this link no longer opens its page")
)

// PublishedPage is a page as a recruiter sees it through a share link.
type PublishedPage struct {
	PortfolioID string     `json:"portfolio_id"`
	PageID      string     `json:"page_id"`
	LinkID      string     `json:"link_id"`
	TokenHash   string     `json:"token_hash"` // what RecordView counts by
	Owner       PersonView `json:"owner"`
	Title       string     `json:"title,omitempty"`
	Intro       string     `json:"intro,omitempty"`
	Erased      bool       `json:"erased,omitempty"`
	// Public: the owner lets the page be listed publicly (indexed).
	Public bool       `json:"public"`
	Until  time.Time  `json:"until,omitzero"`
	Views  int64      `json:"views"` // recorded so far
	Items  []PageItem `json:"items"`
}

// PageItem is one item a page shows; the field of its kind is set.
type PageItem struct {
	Kind        domain.ItemKind  `json:"kind"`
	ID          string           `json:"id"`
	Experience  *ExperienceView  `json:"experience,omitempty"`
	Task        *TaskView        `json:"task,omitempty"`
	Competence  *CompetenceView  `json:"competence,omitempty"`
	Evidence    *EvidenceView    `json:"evidence,omitempty"`
	Attestation *AttestationView `json:"attestation,omitempty"`
	Goal        *GoalView        `json:"goal,omitempty"`
}

// RecruiterPage returns the page that share token opens at now, with the
// items still there in the order chosen (superseded evidence shows as its
// replacement). It fails with ErrPageNotFound for an unknown token and
// ErrPageGone for a revoked or expired link or a removed page. Once the
// owner is erased the page reads as erased. It does not count the view:
// the caller records it with RecordView.
func (q *Queries) RecruiterPage(ctx context.Context, token string, now time.Time) (PublishedPage, error) {
	r, err := q.begin(ctx, RecruiterPages{}.Name())
	if err != nil {
		return PublishedPage{}, err
	}
	defer r.close()
	hash := domain.ShareTokenHash(token)
	link, ok, err := load[linkDoc](r, nsLink, hash)
	if err != nil {
		return PublishedPage{}, err
	}
	if !ok {
		return PublishedPage{}, ErrPageNotFound
	}
	page, ok, err := load[pageDoc](r, nsPage, itemKey(link.Portfolio, link.Page))
	if err != nil {
		return PublishedPage{}, err
	}
	if !ok || page.Removed || !(&domain.ShareLink{Revoked: link.Revoked, Until: link.Until}).Active(now) {
		return PublishedPage{}, ErrPageGone
	}
	v := PublishedPage{PortfolioID: link.Portfolio, PageID: link.Page, LinkID: link.Link, TokenHash: hash, Public: link.Public, Until: link.Until}
	if err := v.fill(r, page); err != nil {
		return PublishedPage{}, err
	}
	if v.Views, err = r.views(hash); err != nil {
		return PublishedPage{}, err
	}
	v.Views += q.pendingViews(hash)
	return v, nil
}

// fill opens the page's text and resolves its items.
func (v *PublishedPage) fill(r *reading, page *pageDoc) error {
	s := newResolver(r, v.PortfolioID, false)
	var err error
	if v.Owner, err = s.person(v.PortfolioID); err != nil {
		return err
	}
	e, erased, err := r.openEvent(page.Personal)
	if err != nil {
		return err
	}
	switch e := e.(type) {
	case *domain.PageCreated:
		v.Title, v.Intro = e.Personal.Title, e.Personal.Intro
	case *domain.PageEdited:
		v.Title, v.Intro = e.Personal.Title, e.Personal.Intro
	}
	v.Erased, v.Items = erased, []PageItem{}
	for _, ref := range page.Items {
		item, err := s.pageItem(ref)
		if err != nil {
			return err
		}
		if item != nil {
			v.Items = append(v.Items, *item)
		}
	}
	return nil
}

// pageItem resolves one item of a page; nil if it is gone.
func (s *resolver) pageItem(ref domain.ItemRef) (*PageItem, error) {
	item := &PageItem{Kind: ref.Kind, ID: ref.ID}
	var err error
	switch ref.Kind {
	case domain.ItemExperience:
		item.Experience, err = s.experience(ref.ID)
	case domain.ItemTask:
		item.Task, err = s.liveTask(ref.ID)
	case domain.ItemCompetence:
		item.Competence, err = s.competence(ref.ID)
	case domain.ItemEvidence:
		item.Evidence, err = s.currentEvidence(ref.ID)
	case domain.ItemAttestation:
		item.Attestation, err = s.attestation(ref.ID)
	case domain.ItemGoal:
		item.Goal, err = s.goal(ref.ID)
	}
	if err != nil || (item.Experience == nil && item.Task == nil && item.Competence == nil &&
		item.Evidence == nil && item.Attestation == nil && item.Goal == nil) {
		return nil, err
	}
	return item, nil
}

// maxSupersessions bounds the chain of replacements followed.
const maxSupersessions = 100

// currentEvidence resolves an evidence, or what replaced it; nil once
// withdrawn.
func (s *resolver) currentEvidence(id string) (*EvidenceView, error) {
	for range maxSupersessions {
		v, err := s.deepEvidence(id)
		if err != nil || v == nil || v.Withdrawn {
			return nil, err
		}
		if v.SupersededBy == "" {
			return v, nil
		}
		id = v.SupersededBy
	}
	return nil, fmt.Errorf("evidence %s: more than %d replacements", id, maxSupersessions)
}

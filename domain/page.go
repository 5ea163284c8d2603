package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Page events. A page is published through share links: whoever holds a
// link's token opens the page. Only the token's SHA-256 is recorded, in
// clear, so the recruiter-page read model can find the page by it.
type (
	PageCreated struct {
		PageID   string    `json:"page_id"`
		Items    []ItemRef `json:"items,omitempty"`
		Personal PageText  `json:"-"`
	}
	// PageEdited replaces a page's selection and text.
	PageEdited struct {
		PageID   string    `json:"page_id"`
		Items    []ItemRef `json:"items,omitempty"`
		Personal PageText  `json:"-"`
	}
	// PageRemoved hides a page and closes all its links.
	PageRemoved struct {
		PageID string `json:"page_id"`
	}
	// PagePublished opens a page to the holder of a new share link.
	PagePublished struct {
		PageID    string    `json:"page_id"`
		LinkID    string    `json:"link_id"`
		TokenHash string    `json:"token_hash"`
		Until     time.Time `json:"until,omitzero"`
		Public    bool      `json:"public,omitempty"`
		Personal  LinkText  `json:"-"`
	}
	ShareLinkRevoked struct {
		PageID string `json:"page_id"`
		LinkID string `json:"link_id"`
	}
)

func (PageCreated) EventType() string      { return "PageCreated" }
func (PageEdited) EventType() string       { return "PageEdited" }
func (PageRemoved) EventType() string      { return "PageRemoved" }
func (PagePublished) EventType() string    { return "PagePublished" }
func (ShareLinkRevoked) EventType() string { return "ShareLinkRevoked" }

func (e *PageCreated) PersonalPart() any   { return &e.Personal }
func (e *PageEdited) PersonalPart() any    { return &e.Personal }
func (e *PagePublished) PersonalPart() any { return &e.Personal }

func (e *PageCreated) applyTo(p *Portfolio) {
	p.pages[e.PageID] = &Page{ID: e.PageID, Items: e.Items, Links: map[string]*ShareLink{}, Personal: e.Personal}
}
func (e *PageEdited) applyTo(p *Portfolio) {
	if pg := p.pages[e.PageID]; pg != nil {
		pg.Items, pg.Personal = e.Items, e.Personal
	}
}
func (e *PageRemoved) applyTo(p *Portfolio) {
	if pg := p.pages[e.PageID]; pg != nil {
		pg.Removed = true
	}
}
func (e *PagePublished) applyTo(p *Portfolio) {
	if pg := p.pages[e.PageID]; pg != nil {
		pg.Links[e.LinkID] = &ShareLink{ID: e.LinkID, TokenHash: e.TokenHash, Until: e.Until, Public: e.Public, Personal: e.Personal}
	}
}
func (e *ShareLinkRevoked) applyTo(p *Portfolio) {
	if pg := p.pages[e.PageID]; pg != nil && pg.Links[e.LinkID] != nil {
		pg.Links[e.LinkID].Revoked = true
	}
}

var pageEvents = []EventSpec{
	{Type: "PageCreated", Version: 1, New: func() Event { return &PageCreated{} }},
	{Type: "PageEdited", Version: 1, New: func() Event { return &PageEdited{} }},
	{Type: "PageRemoved", Version: 1, New: func() Event { return &PageRemoved{} }},
	{Type: "PagePublished", Version: 1, New: func() Event { return &PagePublished{} }},
	{Type: "ShareLinkRevoked", Version: 1, New: func() Event { return &ShareLinkRevoked{} }},
}

// ShareTokenHash returns what is stored of a share link's token: the hex
// SHA-256 of it. A page is looked up by the hash of the token presented.
func ShareTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// PageByToken finds the page and link of a token hash, active or not.
func (p *Portfolio) PageByToken(tokenHash string) (*Page, *ShareLink, bool) {
	for _, pg := range p.pages {
		for _, l := range pg.Links {
			if l.TokenHash == tokenHash {
				return pg, l, true
			}
		}
	}
	return nil, nil, false
}

// SharedPageAt returns the page a token hash opens at now: its link is
// neither revoked nor expired and the page is not removed.
func (p *Portfolio) SharedPageAt(tokenHash string, now time.Time) (*Page, bool) {
	pg, l, ok := p.PageByToken(tokenHash)
	if !ok || pg.Removed || !l.Active(now) {
		return nil, false
	}
	return pg, true
}

// pageKinds are the items a page may show. Logbook entries and VAE
// dossiers are working documents with counsellors and certifiers, not for
// publication.
var pageKinds = map[ItemKind]bool{ItemExperience: true, ItemTask: true, ItemCompetence: true,
	ItemEvidence: true, ItemAttestation: true, ItemGoal: true}

// PageInput is a page's selection and text.
type PageInput struct {
	Items []ItemRef `json:"items,omitempty"`
	Text  PageText  `json:"text"`
}

func (p *Portfolio) checkPage(in PageInput) error {
	if len(in.Items) > maxSelection {
		return invalid("items", "must select at most %d items", maxSelection)
	}
	seen := make(map[ItemRef]bool, len(in.Items))
	for _, ref := range in.Items {
		if !pageKinds[ref.Kind] {
			return invalid("items", "a page cannot show items of kind %q", ref.Kind)
		}
		if seen[ref] {
			return invalid("items", "selects %s %s twice", ref.Kind, ref.ID)
		}
		seen[ref] = true
		if !p.Has(ref) {
			return notFound("items", "no %s %s", ref.Kind, ref.ID)
		}
	}
	if err := checkText("title", in.Text.Title, 1, 200); err != nil {
		return err
	}
	return checkText("intro", in.Text.Intro, 0, 5000)
}

// CreatePage decides a new page, unpublished.
func (p *Portfolio) CreatePage(id string, in PageInput) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("page_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.pages[id]; dup {
		return nil, conflict("page %s already exists", id)
	}
	if err := p.checkPage(in); err != nil {
		return nil, err
	}
	return []Event{&PageCreated{PageID: id, Items: in.Items, Personal: in.Text}}, nil
}

// EditPage decides a page's new selection and text; its links stay.
func (p *Portfolio) EditPage(id string, in PageInput) ([]Event, error) {
	if _, err := p.livePage(id); err != nil {
		return nil, err
	}
	if err := p.checkPage(in); err != nil {
		return nil, err
	}
	return []Event{&PageEdited{PageID: id, Items: in.Items, Personal: in.Text}}, nil
}

// RemovePage decides the removal of a page; none of its links opens it
// any more.
func (p *Portfolio) RemovePage(id string) ([]Event, error) {
	if _, err := p.livePage(id); err != nil {
		return nil, err
	}
	return []Event{&PageRemoved{PageID: id}}, nil
}

func (p *Portfolio) livePage(id string) (*Page, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	pg, ok := p.pages[id]
	if !ok || pg.Removed {
		return nil, notFound("page_id", "no page %s", id)
	}
	return pg, nil
}

// LinkInput is how a page is shared: until when (zero: no end), whether
// it is listed publicly, and for whom (a label for the owner).
type LinkInput struct {
	Until     time.Time `json:"until,omitzero"`
	Public    bool      `json:"public,omitempty"`
	Recipient string    `json:"recipient,omitempty"`
}

// PublishPage decides a new share link to a page. tokenHash is
// ShareTokenHash of a token the caller drew at random and shows once.
func (p *Portfolio) PublishPage(pageID, linkID, tokenHash string, in LinkInput, now time.Time) ([]Event, error) {
	pg, err := p.livePage(pageID)
	if err != nil {
		return nil, err
	}
	if err := checkID("link_id", linkID); err != nil {
		return nil, err
	}
	if _, dup := pg.Links[linkID]; dup {
		return nil, conflict("link %s already exists", linkID)
	}
	if b, err := hex.DecodeString(tokenHash); err != nil || len(b) != sha256.Size || hex.EncodeToString(b) != tokenHash {
		return nil, invalid("token_hash", "must be a SHA-256 in lowercase hexadecimal")
	}
	if _, _, used := p.PageByToken(tokenHash); used {
		return nil, conflict("this token is already in use")
	}
	if !in.Until.IsZero() && !in.Until.After(now) {
		return nil, invalid("until", "must be in the future")
	}
	if err := checkText("recipient", in.Recipient, 0, 200); err != nil {
		return nil, err
	}
	return []Event{&PagePublished{PageID: pageID, LinkID: linkID, TokenHash: tokenHash, Until: in.Until.UTC(),
		Public: in.Public, Personal: LinkText{Recipient: in.Recipient}}}, nil
}

// RevokeShareLink decides that a link no longer opens its page.
func (p *Portfolio) RevokeShareLink(pageID, linkID string) ([]Event, error) {
	pg, err := p.livePage(pageID)
	if err != nil {
		return nil, err
	}
	l, ok := pg.Links[linkID]
	if !ok {
		return nil, notFound("link_id", "no link %s", linkID)
	}
	if l.Revoked {
		return nil, conflict("link %s is already revoked", linkID)
	}
	return []Event{&ShareLinkRevoked{PageID: pageID, LinkID: linkID}}, nil
}

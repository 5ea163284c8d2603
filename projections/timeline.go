package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
)

// Timelines is the progress timeline: for each beneficiary, every event of
// their portfolio as a dated entry in words, in French or in English, with
// who did it and in which role. An entry names what it is about by the
// event's own personal part, or by the item it is about, whose last title
// (kept by the items read model, removed items included) is opened when
// the timeline is read, so a removal still says what was removed.
type Timelines struct{}

func (Timelines) Name() string { return "timeline" }
func (Timelines) Version() int { return 1 }

const (
	nsTimeline = "portfolio" // log: PORTFOLIO → timelineDoc
	nsTitle    = "title"     // PORTFOLIO/KIND/ID → titleDoc
	nsGrantee  = "grantee"   // PORTFOLIO/GRANT → grantee's person ID
)

type timelineDoc struct {
	Label string      `json:"label"` // the event type, or TYPE.VARIANT
	At    time.Time   `json:"at"`
	Actor string      `json:"actor"`
	Role  domain.Role `json:"role,omitempty"`
	titleDoc
	Item   *domain.ItemRef   `json:"item,omitempty"`   // or: the item whose last title names it
	Person string            `json:"person,omitempty"` // whom the event is about
	Vars   map[string]string `json:"vars,omitempty"`   // clear values the label shows
}

// titleDoc names an item: a personal part to open, or clear text (a
// framework code, a certification's title).
type titleDoc struct {
	Title *eventcodec.PersonalRef `json:"title,omitempty"`
	Clear string                  `json:"clear,omitempty"`
}

type granteeDoc struct {
	Person string `json:"person"`
}

func (Timelines) Apply(b *Batch, d eventcodec.Decoded) error {
	pid := portfolioOf(d.Stored.Stream)
	if pid == "" {
		return nil
	}
	at := d.Meta.OccurredAt
	if at.IsZero() {
		at = d.Stored.RecordedAt
	}
	t := &timelineStep{b: b, d: d, pid: pid, e: timelineDoc{Label: d.Stored.Type, At: at, Actor: d.Meta.Actor, Role: domain.Role(d.Meta.Role)}}
	if err := t.describe(); err != nil {
		return err
	}
	return b.Append(nsTimeline, pid, t.e)
}

// TimelineEntry is one dated line of a timeline.
type TimelineEntry struct {
	Seq       int64       `json:"seq"`
	At        time.Time   `json:"at"`
	Type      string      `json:"type"`
	Text      string      `json:"text"`
	Actor     PersonView  `json:"actor"`
	Role      domain.Role `json:"role,omitempty"`
	RoleLabel string      `json:"role_label,omitempty"`
	// Erased: a person the entry names was erased; their words show as
	// such.
	Erased bool `json:"erased,omitempty"`
}

// Timeline returns up to limit entries of a beneficiary's timeline after
// cursor (0 for the start), oldest first, in lang ("fr", the default, or
// "en"), and the cursor of the next page.
func (q *Queries) Timeline(ctx context.Context, portfolioID, lang string, cursor int64, limit int) ([]TimelineEntry, int64, error) {
	words, ok := timelineWords[lang]
	if lang == "" {
		words, ok = timelineWords["fr"], true
	}
	if !ok {
		return nil, cursor, fmt.Errorf("timeline: no labels in language %q (fr, en)", lang)
	}
	r, err := q.begin(ctx, Timelines{}.Name())
	if err != nil {
		return nil, cursor, err
	}
	defer r.close()
	s := newResolver(r, portfolioID, false)
	var out []TimelineEntry
	next, err := r.entries(nsTimeline, portfolioID, cursor, limit, func(seq int64, raw []byte) error {
		var e timelineDoc
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("timeline entry %d: %w", seq, err)
		}
		entry, err := s.timelineEntry(words, e)
		entry.Seq = seq
		out = append(out, entry)
		return err
	})
	return out, next, err
}

// timelineEntry puts an entry in words.
func (s *resolver) timelineEntry(w words, e timelineDoc) (TimelineEntry, error) {
	typ, _, _ := strings.Cut(e.Label, ".")
	out := TimelineEntry{At: e.At, Type: typ, Role: e.Role, RoleLabel: w.roles[e.Role]}
	var err error
	if out.Actor, err = s.person(e.Actor); err != nil {
		return out, err
	}
	vars := map[string]string{}
	for k, v := range e.Vars {
		vars[k] = w.value(k, v)
	}
	title, erased, err := s.entryTitle(e)
	if err != nil {
		return out, err
	}
	vars["title"] = w.name(title, e.Clear, erased)
	out.Erased = erased
	if e.Person != "" {
		p, err := s.person(e.Person)
		if err != nil {
			return out, err
		}
		vars["person"] = w.name(p.Name, p.ID, p.Erased)
		out.Erased = out.Erased || p.Erased
	}
	out.Text = w.render(e.Label, vars)
	return out, nil
}

// entryTitle opens what names an entry: the item it is about, or its own
// personal part.
func (s *resolver) entryTitle(e timelineDoc) (string, bool, error) {
	if e.Item != nil {
		return s.itemTitle(*e.Item)
	}
	ev, erased, err := s.r.openEvent(e.Title)
	return titleOf(ev), erased, err
}

package projections

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/parcours/parcours/eventcodec"
)

// Audit is the audit trail: for each portfolio (and each structure), every
// event with who did it, in which role, when, and the event's hash.
type Audit struct{}

func (Audit) Name() string { return "audit" }
func (Audit) Version() int { return 1 }

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	Position string    `json:"position"`
	Revision uint64    `json:"revision"`
	EventID  string    `json:"event_id"`
	Type     string    `json:"type"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	At       time.Time `json:"at"`
	Recorded time.Time `json:"recorded_at"`
	Hash     string    `json:"hash"`
	PrevHash string    `json:"prev_hash"`
}

func (Audit) Apply(b *Batch, d eventcodec.Decoded) error {
	kind, id, ok := strings.Cut(d.Stored.Stream, "-")
	if !ok {
		return nil
	}
	e := d.Stored
	return b.Append(kind, id, AuditEntry{Position: e.Position.String(), Revision: e.Revision, EventID: e.ID.String(), Type: e.Type,
		Actor: d.Meta.Actor, Role: d.Meta.Role, At: d.Meta.OccurredAt, Recorded: e.RecordedAt, Hash: e.Hash.String(), PrevHash: e.PrevHash.String()})
}

// AuditTrail returns up to limit entries of a portfolio's trail after the
// cursor (0 for the start), and the cursor of the next page.
func (q *Queries) AuditTrail(ctx context.Context, portfolioID string, cursor int64, limit int) ([]AuditEntry, int64, error) {
	var out []AuditEntry
	next, err := q.db.Log(ctx, "audit", "portfolio", portfolioID, cursor, limit, func(_ int64, raw []byte) error {
		var e AuditEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, next, err
}

// Queries answers the read models.
type Queries struct {
	db    *DB
	codec *eventcodec.Codec
	views viewCounter
}

// NewQueries returns the read-model queries over db; codec opens the
// personal parts they show.
func NewQueries(db *DB, codec *eventcodec.Codec) *Queries { return &Queries{db: db, codec: codec} }

package projections

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parcours/parcours/domain"
)

// The e-mail outbox is a table of its own (notify_outbox), outside the
// read models' generations, beside them in the same database: the
// notifications projection inserts a row in the transaction that commits
// the notification and the checkpoint, so none is lost or enqueued twice
// by a crash; notify_marks keeps, per person, the last notification
// enqueued, so a rebuild that numbers the same notifications again
// enqueues none of them twice. The digest sender claims a person's
// pending rows as one digest (its ID fixed by the rows it holds, the
// e-mail's Message-ID), sends it, and marks it sent; a crash between the
// two sends the same digest, with the same Message-ID, again. The
// one-click unsubscribe tokens are kept hashed in notify_tokens.

// outboxDDL makes the outbox's tables (one migration: both dialects
// accept several statements in one Exec).
func outboxDDL(d dialect) string {
	big := "INTEGER"
	if d == postgresDialect {
		big = "BIGINT"
	}
	return `CREATE TABLE IF NOT EXISTS notify_outbox (
		person TEXT NOT NULL, seq ` + big + ` NOT NULL, tenant TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
		at ` + big + ` NOT NULL, digest TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
		next_at ` + big + ` NOT NULL DEFAULT 0, sent_at ` + big + ` NOT NULL DEFAULT 0, PRIMARY KEY (person, seq));
	CREATE INDEX IF NOT EXISTS notify_outbox_pending ON notify_outbox (sent_at, next_at);
	CREATE TABLE IF NOT EXISTS notify_marks (person TEXT PRIMARY KEY, seq ` + big + ` NOT NULL);
	CREATE TABLE IF NOT EXISTS notify_tokens (hash TEXT PRIMARY KEY, tenant TEXT NOT NULL, person TEXT NOT NULL,
		role TEXT NOT NULL, created_at ` + big + ` NOT NULL)`
}

// enqueueMail puts notification n of person in the outbox unless it was
// enqueued before (by the live projection, before a rebuild).
func enqueueMail(b *Batch, person, tenant string, n noteDoc) error {
	if err := b.exec(`INSERT INTO notify_outbox (person, seq, tenant, kind, actor, at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM notify_marks WHERE person = $1 AND seq >= $2)
		ON CONFLICT (person, seq) DO NOTHING`,
		person, int64(n.Seq), tenant, string(n.Kind), n.Actor, n.At.UnixMilli()); err != nil {
		return fmt.Errorf("enqueue mail for %s: %w", person, err)
	}
	greatest := "max"
	if b.db.dialect == postgresDialect {
		greatest = "GREATEST"
	}
	if err := b.exec(`INSERT INTO notify_marks (person, seq) VALUES ($1, $2)
		ON CONFLICT (person) DO UPDATE SET seq = `+greatest+`(notify_marks.seq, excluded.seq)`, person, int64(n.Seq)); err != nil {
		return fmt.Errorf("enqueue mail for %s: %w", person, err)
	}
	return nil
}

// dropMail forgets an erased person's outbox and tokens.
func dropMail(b *Batch, person string) error {
	for _, q := range []string{`DELETE FROM notify_outbox WHERE person = $1`, `DELETE FROM notify_tokens WHERE person = $1`} {
		if err := b.exec(q, person); err != nil {
			return fmt.Errorf("drop the outbox of %s: %w", person, err)
		}
	}
	return nil
}

// OutboxItem is one notification of a digest.
type OutboxItem struct {
	Seq    uint64
	Tenant string
	Kind   domain.NotificationKind
	Actor  string
	At     time.Time
}

// Digest is a person's pending notifications, claimed to go in one
// e-mail; ID stays the same until it is sent.
type Digest struct {
	ID       string
	Person   string
	Attempts int
	Items    []OutboxItem
}

// DueDigests returns up to limit people whose oldest pending e-mail
// notification is at least as old as cutoff and whose retry time has
// come by now.
func (q *Queries) DueDigests(ctx context.Context, now, cutoff time.Time, limit int) ([]string, error) {
	rows, err := q.db.reader.QueryContext(ctx, `SELECT person FROM notify_outbox WHERE sent_at = 0 AND next_at <= $1
		GROUP BY person HAVING min(at) <= $2 ORDER BY min(at) LIMIT $3`, now.UnixMilli(), cutoff.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("due digests: %w", err)
	}
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	return out, closeRows(rows)
}

// ClaimDigest gathers person's pending notifications into a digest: the
// one claimed before and not sent, if any (its rows unchanged), or a new
// one of every pending row. found is false when nothing is pending.
func (q *Queries) ClaimDigest(ctx context.Context, person string) (d Digest, found bool, err error) {
	d.Person = person
	tx, err := q.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT digest, attempts FROM notify_outbox WHERE person = $1 AND sent_at = 0 AND digest <> '' LIMIT 1`,
		person).Scan(&d.ID, &d.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		var lo, hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM notify_outbox WHERE person = $1 AND sent_at = 0`, person).Scan(&lo, &hi); err != nil {
			return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
		}
		if !lo.Valid {
			return d, false, nil
		}
		sum := sha256.Sum256([]byte(person + "\x00" + strconv.FormatInt(lo.Int64, 10) + "\x00" + strconv.FormatInt(hi.Int64, 10)))
		d.ID = hex.EncodeToString(sum[:16])
		if _, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET digest = $1 WHERE person = $2 AND sent_at = 0 AND digest = ''`, d.ID, person); err != nil {
			return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
		}
	} else if err != nil {
		return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, tenant, kind, actor, at FROM notify_outbox WHERE person = $1 AND digest = $2 ORDER BY seq`, person, d.ID)
	if err != nil {
		return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
	}
	for rows.Next() {
		var it OutboxItem
		var seq, at int64
		var kind string
		if err := rows.Scan(&seq, &it.Tenant, &kind, &it.Actor, &at); err != nil {
			rows.Close()
			return d, false, err
		}
		it.Seq, it.Kind, it.At = uint64(seq), domain.NotificationKind(kind), time.UnixMilli(at).UTC()
		d.Items = append(d.Items, it)
	}
	if err := closeRows(rows); err != nil {
		return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
	}
	if err := tx.Commit(); err != nil {
		return d, false, fmt.Errorf("claim digest of %s: %w", person, err)
	}
	return d, len(d.Items) > 0, nil
}

// MarkDigestSent records that digest d went out.
func (q *Queries) MarkDigestSent(ctx context.Context, d Digest, now time.Time) error {
	return q.outboxExec(ctx, `UPDATE notify_outbox SET sent_at = $1 WHERE person = $2 AND digest = $3`, now.UnixMilli(), d.Person, d.ID)
}

// PostponeDigest records a failed attempt at digest d, to try again at
// retryAt.
func (q *Queries) PostponeDigest(ctx context.Context, d Digest, retryAt time.Time) error {
	return q.outboxExec(ctx, `UPDATE notify_outbox SET attempts = attempts + 1, next_at = $1 WHERE person = $2 AND digest = $3`,
		retryAt.UnixMilli(), d.Person, d.ID)
}

// OutboxCounts returns how many of person's e-mail notifications are
// pending and sent.
func (q *Queries) OutboxCounts(ctx context.Context, person string) (pending, sent int, err error) {
	err = q.db.reader.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE sent_at = 0), count(*) FILTER (WHERE sent_at <> 0)
		FROM notify_outbox WHERE person = $1`, person).Scan(&pending, &sent)
	if err != nil {
		return 0, 0, fmt.Errorf("outbox of %s: %w", person, err)
	}
	return pending, sent, nil
}

// SaveUnsubscribeToken keeps the hash of a digest's unsubscribe token for
// the person it names.
func (q *Queries) SaveUnsubscribeToken(ctx context.Context, hash string, a domain.Actor, now time.Time) error {
	return q.outboxExec(ctx, `INSERT INTO notify_tokens (hash, tenant, person, role, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO NOTHING`, hash, a.Tenant, a.PersonID, string(a.Role), now.UnixMilli())
}

// UnsubscribeTokenActor returns the person whose token hashes to hash.
func (q *Queries) UnsubscribeTokenActor(ctx context.Context, hash string) (domain.Actor, bool, error) {
	var a domain.Actor
	var role string
	err := q.db.reader.QueryRowContext(ctx, `SELECT tenant, person, role FROM notify_tokens WHERE hash = $1`, hash).Scan(&a.Tenant, &a.PersonID, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("unsubscribe token: %w", err)
	}
	a.Role = domain.Role(role)
	return a, true, nil
}

func (q *Queries) outboxExec(ctx context.Context, query string, args ...any) error {
	if _, err := q.db.writer.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

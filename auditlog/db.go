package auditlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/parcours/parcours/internal/sqlitedriver"
	"github.com/parcours/parcours/internal/sqlitemigrate"
)

// migrations bring auditlog.db to SchemaVersion; migrations[i] makes
// version i+1. Never edit one that has shipped: add a new one.
//
//   - tree: one row, the tree's size and the global-log position of its
//     last leaf (the follower's checkpoint, committed with the hashes).
//   - leaves: leaf index → event ID, event hash, position, and the tree's
//     stored hashes that adding this leaf computed (see hashes.go).
//   - checkpoints: every signed checkpoint, by tree size.
//   - anchors: each submitted VAE dossier, its submission's leaf and the
//     first checkpoint that covers it (NULL until one is signed).
var migrations = []string{
	`CREATE TABLE tree (
		id     INTEGER PRIMARY KEY CHECK (id = 1),
		size   INTEGER NOT NULL,
		pos_hi INTEGER NOT NULL,
		pos_lo INTEGER NOT NULL
	);
	INSERT INTO tree VALUES (1, 0, 0, 0);
	CREATE TABLE leaves (
		idx        INTEGER PRIMARY KEY,
		event_id   BLOB NOT NULL UNIQUE,
		event_hash BLOB NOT NULL,
		pos_hi     INTEGER NOT NULL,
		pos_lo     INTEGER NOT NULL,
		hashes     BLOB NOT NULL
	);
	CREATE TABLE checkpoints (
		size      INTEGER PRIMARY KEY,
		signed_at INTEGER NOT NULL,
		note      BLOB NOT NULL
	);
	CREATE TABLE anchors (
		portfolio       TEXT NOT NULL,
		dossier         TEXT NOT NULL,
		event_id        BLOB NOT NULL,
		leaf            INTEGER NOT NULL,
		checkpoint_size INTEGER,
		PRIMARY KEY (portfolio, dossier)
	);
	CREATE INDEX anchors_pending ON anchors (leaf) WHERE checkpoint_size IS NULL;`,
}

// SchemaVersion is the version of auditlog.db this binary reads and writes.
var SchemaVersion = len(migrations)

// dsn opens the file in WAL mode with synchronous=NORMAL: the tree is
// derived data, a pure function of the global log's order, so a
// transaction lost to a power cut is recomputed identically from the
// follower's checkpoint (Ed25519 signatures are deterministic too; only a
// re-signed checkpoint's time line may differ).
func dsn(path string, write bool) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	if write {
		q.Set("_txlock", "immediate")
		// Checkpoint the WAL into the file every 10,000 pages (40 MB)
		// rather than SQLite's 1,000: a checkpoint syncs the file, and the
		// fewer of them the less the follower competes with the event
		// store's own syncs for the disk.
		q.Add("_pragma", "wal_autocheckpoint(10000)")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Migrate creates or upgrades the audit log file at path (auditlog.db in
// the data directory). It refuses a file written by a newer binary.
func Migrate(ctx context.Context, path string) error {
	db, err := sql.Open(sqlitedriver.Name, dsn(path, true))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return sqlitemigrate.Apply(ctx, db, path, migrations)
}

// openDB opens the writer (one connection) and the reader pool of a file
// Migrate brought up to date.
func openDB(ctx context.Context, path string) (writer, reader *sql.DB, err error) {
	writer, err = sql.Open(sqlitedriver.Name, dsn(path, true))
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	reader, err = sql.Open(sqlitedriver.Name, dsn(path, false))
	if err != nil {
		writer.Close()
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(4)
	v, err := sqlitemigrate.Version(ctx, writer)
	if err == nil && v != SchemaVersion {
		err = fmt.Errorf("schema at version %d, want %d (run `parcours migrate`)", v, SchemaVersion)
	}
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	return writer, reader, nil
}

// Errors of the audit log. Callers test them with errors.Is.
var (
	// ErrNotFound: no such event in the log, no such checkpoint, no
	// submission of that dossier.
	ErrNotFound = errors.New("not found in the audit log")
	// ErrPending: the submission is in the log but no signed checkpoint
	// covers it yet.
	ErrPending = errors.New("not yet covered by a signed checkpoint")
	// ErrInvalid: a request out of range (a tree size beyond the latest,
	// sizes in the wrong order).
	ErrInvalid = errors.New("invalid audit log request")
	// ErrTampered: an event's content does not match its hash; the
	// follower refuses to log it and stops.
	ErrTampered = errors.New("event does not match its hash")
)

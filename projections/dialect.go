package projections

// dialect is the SQL a DB speaks: SQLite (the embedded default) or
// PostgreSQL. Queries are written once with $1-style placeholders, which
// both accept; the table definitions and row locking differ.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "PostgreSQL"
	}
	return "SQLite"
}

// migrations are the read-model schema's versions, in order; version i+1
// is migrations()[i]. Both dialects have the same versions.
func (d dialect) migrations() []string {
	if d == postgresDialect {
		return []string{
			`CREATE TABLE projection_state (
				name       TEXT PRIMARY KEY,
				version    INTEGER NOT NULL DEFAULT 0,
				generation INTEGER NOT NULL DEFAULT 0,
				hi         BIGINT NOT NULL DEFAULT 0,
				lo         BIGINT NOT NULL DEFAULT 0,
				status     TEXT NOT NULL DEFAULT 'new',
				error      TEXT NOT NULL DEFAULT '',
				updated_at BIGINT NOT NULL DEFAULT 0
			)`,
			`CREATE TABLE IF NOT EXISTS page_views (token_hash TEXT PRIMARY KEY, views BIGINT NOT NULL)`,
			outboxDDL(postgresDialect),
		}
	}
	return []string{
		`CREATE TABLE projection_state (
		name       TEXT PRIMARY KEY,
		version    INTEGER NOT NULL DEFAULT 0,
		generation INTEGER NOT NULL DEFAULT 0,
		hi         INTEGER NOT NULL DEFAULT 0,
		lo         INTEGER NOT NULL DEFAULT 0,
		status     TEXT NOT NULL DEFAULT 'new',
		error      TEXT NOT NULL DEFAULT '',
		updated_at INTEGER NOT NULL DEFAULT 0
	)`,
		// Views of recruiter pages are counted outside the generations
		// (see pageviews.go); IF NOT EXISTS because RecordView made the
		// table on first use before this version.
		`CREATE TABLE IF NOT EXISTS page_views (token_hash TEXT PRIMARY KEY, views INTEGER NOT NULL) WITHOUT ROWID`,
		outboxDDL(sqliteDialect),
	}
}

// versionTable records the applied migrations. On PostgreSQL the read
// models share a schema with the event store and the keys, which have
// version tables of their own.
func (d dialect) versionTable() string {
	if d == postgresDialect {
		return "readmodels_schema_version"
	}
	return "schema_version"
}

// tablesDDL creates a generation's document and log tables. Keys compare
// byte by byte on both (SQLite's BINARY, PostgreSQL's "C" collation), so
// key order and prefix ranges are the same whatever the server's locale.
func (d dialect) tablesDDL(docs, log string) []string {
	if d == postgresDialect {
		return []string{
			`CREATE TABLE IF NOT EXISTS ` + docs + ` (ns TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, doc BYTEA NOT NULL, PRIMARY KEY (ns, key))`,
			`CREATE TABLE IF NOT EXISTS ` + log + ` (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ns TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, doc BYTEA NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS ` + log + `_key ON ` + log + ` (ns, key, seq)`,
		}
	}
	return []string{
		// A rowid table with a unique index rather than WITHOUT ROWID:
		// documents are hundreds of bytes, too large for a b-tree keyed
		// by (ns, key) to stay shallow; new rows go at the table's end
		// and only the small index entries land by key (a rebuild writes
		// about one document per event: 20% faster this way).
		`CREATE TABLE IF NOT EXISTS ` + docs + ` (ns TEXT NOT NULL, key TEXT NOT NULL, doc BLOB NOT NULL, UNIQUE (ns, key))`,
		`CREATE TABLE IF NOT EXISTS ` + log + ` (seq INTEGER PRIMARY KEY, ns TEXT NOT NULL, key TEXT NOT NULL, doc BLOB NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ` + log + `_key ON ` + log + ` (ns, key, seq)`,
	}
}

// forUpdate ends a SELECT that reads a projection's state row to write
// its read model. PostgreSQL transactions run side by side, so the row is
// locked until the transaction ends: every writer of a projection goes
// through that row, so two writers of one projection (two processes
// during a handover, a rebuild's swap and the live handler) take turns,
// and the second sees the checkpoint the first committed. SQLite's writer
// transactions are serial already (BEGIN IMMEDIATE).
func (d dialect) forUpdate() string {
	if d == postgresDialect {
		return " FOR UPDATE"
	}
	return ""
}

package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// storeConfig says which event store to open and how.
type storeConfig struct {
	// Data is the data directory; the embedded store keeps its file there.
	Data string
	// Store is empty (or "sqlite") for the embedded store in Data, a
	// postgres:// URL, or an esdb:// / kurrentdb:// URL.
	Store        string
	MaxEventSize int
	// SQLiteSync is FULL (durable, default) or NORMAL (opt-in, faster).
	SQLiteSync string
	// PostgreSQL pool and timeouts.
	PGMaxConns         int
	PGStatementTimeout time.Duration
	PGIdleInTxTimeout  time.Duration
	PGWriters          int // group commits in flight at once
	// PublicURL is the service's address as others reach it; the badges
	// it issues name their issuer profile and status list under it.
	PublicURL string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v := env(name, ""); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v := env(name, ""); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

// addStoreFlags registers the store flags, with PARCOURS_* defaults.
func addStoreFlags(fs *flag.FlagSet) *storeConfig {
	c := &storeConfig{}
	fs.StringVar(&c.Data, "data", env("PARCOURS_DATA", "./parcours-data"), "data directory (env PARCOURS_DATA)")
	fs.StringVar(&c.Store, "store", env("PARCOURS_STORE", ""), "event store: empty for SQLite in the data directory, postgres://…, esdb://… or kurrentdb://… (env PARCOURS_STORE)")
	fs.IntVar(&c.MaxEventSize, "max-event-size", envInt("PARCOURS_MAX_EVENT_SIZE", 1<<20), "largest event (data plus metadata) in bytes (env PARCOURS_MAX_EVENT_SIZE)")
	fs.StringVar(&c.SQLiteSync, "sqlite-synchronous", env("PARCOURS_SQLITE_SYNCHRONOUS", "FULL"), "SQLite durability: FULL (every acknowledged append survives power loss) or NORMAL (faster, opt-in) (env PARCOURS_SQLITE_SYNCHRONOUS)")
	fs.IntVar(&c.PGMaxConns, "pg-max-conns", envInt("PARCOURS_PG_MAX_CONNS", 16), "PostgreSQL pool size (env PARCOURS_PG_MAX_CONNS)")
	fs.DurationVar(&c.PGStatementTimeout, "pg-statement-timeout", envDuration("PARCOURS_PG_STATEMENT_TIMEOUT", 30*time.Second), "PostgreSQL statement_timeout (env PARCOURS_PG_STATEMENT_TIMEOUT)")
	fs.IntVar(&c.PGWriters, "pg-writers", envInt("PARCOURS_PG_WRITERS", 2), "PostgreSQL group commits in flight at once, each for its share of the streams (env PARCOURS_PG_WRITERS)")
	fs.DurationVar(&c.PGIdleInTxTimeout, "pg-idle-in-transaction-timeout", envDuration("PARCOURS_PG_IDLE_IN_TX_TIMEOUT", 15*time.Second), "PostgreSQL idle_in_transaction_session_timeout (env PARCOURS_PG_IDLE_IN_TX_TIMEOUT)")
	fs.StringVar(&c.PublicURL, "public-url", env("PARCOURS_PUBLIC_URL", ""), "the service's address as people and verifiers reach it (https://…), written into the Open Badges it issues; serve defaults to http:// and --addr (env PARCOURS_PUBLIC_URL)")
	return c
}

// kind names the backend the configuration selects.
func (c *storeConfig) kind() (string, error) {
	s := strings.ToLower(c.Store)
	switch {
	case s == "" || s == "sqlite":
		return "sqlite", nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		return "postgres", nil
	case strings.HasPrefix(s, "esdb://"), strings.HasPrefix(s, "esdb+discover://"),
		strings.HasPrefix(s, "kurrentdb://"), strings.HasPrefix(s, "kurrentdb+discover://"):
		return "kurrentdb", nil
	}
	return "", usageError("--store %q: want empty (SQLite), postgres://…, esdb://… or kurrentdb://…", redact(c.Store))
}

func (c *storeConfig) validate() error {
	if c.MaxEventSize <= 0 {
		return usageError("--max-event-size must be positive")
	}
	switch strings.ToUpper(c.SQLiteSync) {
	case "FULL", "NORMAL":
	default:
		return usageError("--sqlite-synchronous %q: want FULL or NORMAL", c.SQLiteSync)
	}
	_, err := c.kind()
	return err
}

// redact hides a password in a store URL before it is printed.
func redact(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return u
	}
	user, _, hasPw := strings.Cut(rest[:at], ":")
	if !hasPw {
		return u
	}
	return fmt.Sprintf("%s://%s:xxxxx%s", scheme, user, rest[at:])
}

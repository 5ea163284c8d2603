package projections_test

import (
	"context"
	"testing"

	"github.com/parcours/parcours/projections"
)

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT doc FROM t WHERE ns = $1 AND key = $2`, `SELECT doc FROM t WHERE ns = $1 AND key = $2`},
		{`SELECT doc FROM t WHERE ns = ? AND key = ?`, `SELECT doc FROM t WHERE ns = $1 AND key = $2`},
		{`SELECT '?', "a?b", ? -- why?` + "\n" + `, ?`, `SELECT '?', "a?b", $1 -- why?` + "\n" + `, $2`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT ? FROM t WHERE a = 'unterminated ?`, `SELECT $1 FROM t WHERE a = 'unterminated ?`},
		{`SELECT ? -- to the end ?`, `SELECT $1 -- to the end ?`},
		{`INSERT INTO t VALUES (?, 1)`, `INSERT INTO t VALUES ($1, 1)`},
	} {
		if got := projections.Rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPostgresRunsQuestionMarks: SQL written for SQLite, with '?'
// placeholders, runs on PostgreSQL read models.
func TestPostgresRunsQuestionMarks(t *testing.T) {
	db := openPostgresDB(t, postgresURL(t))
	var got string
	err := db.Writer().QueryRowContext(context.Background(), `SELECT ?::text || '?' || ?::text`, "a", "b").Scan(&got)
	if err != nil || got != "a?b" {
		t.Fatalf("got %q, %v", got, err)
	}
}

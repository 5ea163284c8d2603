package sqlitemigrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcours/parcours/internal/sqlitedriver"
	"github.com/parcours/parcours/internal/sqlitemigrate"
)

func TestApply(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(sqlitedriver.Name, "file:"+filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	steps := []string{`CREATE TABLE a (x INTEGER)`, `CREATE TABLE b (y INTEGER)`}
	for i := 0; i < 2; i++ { // twice: the second finds nothing to do
		if err := sqlitemigrate.Apply(ctx, db, "m.db", steps); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := sqlitemigrate.Version(ctx, db); err != nil || v != 2 {
		t.Fatalf("version %d, %v", v, err)
	}
	// A failing step leaves the file at the version before it.
	bad := append(steps, `CREATE TABLE a (x INTEGER)`)
	if err := sqlitemigrate.Apply(ctx, db, "m.db", bad); err == nil || !strings.Contains(err.Error(), "to version 3") {
		t.Fatalf("failing step: %v", err)
	}
	if v, _ := sqlitemigrate.Version(ctx, db); v != 2 {
		t.Fatalf("version %d after a failed step", v)
	}
	// A binary that knows fewer steps refuses the file.
	if err := sqlitemigrate.Apply(ctx, db, "m.db", steps[:1]); err == nil || !strings.Contains(err.Error(), "upgrade parcours") {
		t.Fatalf("newer schema: %v", err)
	}
}

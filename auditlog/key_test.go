package auditlog_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/parcours/parcours/auditlog"
)

// TestKeyCreatedOnceByRacingProcesses: services starting at once on one
// data directory all end up with the same key, and none sees a partial
// file or an error.
func TestKeyCreatedOnceByRacingProcesses(t *testing.T) {
	for round := 0; round < 20; round++ {
		dir := t.TempDir()
		const n = 8
		keys := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := auditlog.LoadOrCreateKey(dir, "")
				keys[i], errs[i] = k.Public, err
			}()
		}
		wg.Wait()
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("round %d, caller %d: %v", round, i, errs[i])
			}
			if keys[i] != keys[0] {
				t.Fatalf("round %d: callers got different keys: %s and %s", round, keys[0], keys[i])
			}
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 || entries[0].Name() != auditlog.KeyFile {
			t.Fatalf("round %d: data directory holds %v, want only %s", round, entries, auditlog.KeyFile)
		}
		if st, _ := os.Stat(filepath.Join(dir, auditlog.KeyFile)); st.Mode().Perm() != 0o600 {
			t.Fatalf("key mode %v, want 0600", st.Mode().Perm())
		}
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFrameworksImport: the extracts import from the console, once; a
// bad file is refused and the next import is still version 2.
func TestFrameworksImport(t *testing.T) {
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "frameworks", "rome", "*.csv"))
	out, err := runCmd(t, append([]string{"frameworks", "import", "--data", dir, "--kind", "rome", "--label", "v460"}, files...)...)
	if err != nil || !strings.Contains(out, "rome version 1 imported: 9 occupation, 24 appellation, 10 competence") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := runCmd(t, append([]string{"frameworks", "import", "--data", dir, "--kind", "rome", "--label", "v460"}, files...)...); err != nil || !strings.Contains(out, "already imported") {
		t.Errorf("the same command again: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "frameworks", "import", "--data", dir, "--kind", "rome", files[0]+"-missing"); err == nil {
		t.Error("a missing file imported")
	}
	if _, err := runCmd(t, "frameworks", "import", "--data", dir, "--kind", "esco", files[0]); err == nil || !strings.Contains(err.Error(), "not an ESCO file") {
		t.Errorf("a ROME file as ESCO: %v", err)
	}
	out, err = runCmd(t, "frameworks", "import", "--data", dir, "--kind", "rome", files[1])
	if err != nil || !strings.Contains(out, "rome version 2 imported") {
		t.Errorf("a second version: %v\n%s", err, out)
	}
}

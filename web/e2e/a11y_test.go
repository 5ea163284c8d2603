package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The accessibility of the pages is checked with axe-core, the npm package
// pinned in axe/package.json (its lock file beside it): `npm ci` in axe/
// installs it (.ci/run does it; a test run outside CI does it when it is
// missing and npm is on the PATH). With CI=true a missing axe-core fails
// the tests.
var axeFile = filepath.Join("axe", "node_modules", "axe-core", "axe.min.js")

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// needAxe returns the source of axe.min.js, installing the package first
// when it is missing outside CI.
func needAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() { axeSource, axeErr = loadAxe() })
	if axeErr != nil {
		t.Fatalf("axe-core: %v", axeErr)
	}
	return axeSource
}

func loadAxe() (string, error) {
	if _, err := os.Stat(axeFile); err != nil && os.Getenv("CI") != "true" {
		if npm, lerr := exec.LookPath("npm"); lerr == nil {
			cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
			cmd.Dir = "axe"
			if out, err := cmd.CombinedOutput(); err != nil {
				return "", fmt.Errorf("npm ci in web/e2e/axe: %w\n%s", err, out)
			}
		}
	}
	b, err := os.ReadFile(axeFile)
	if err != nil {
		return "", fmt.Errorf("%w (run npm ci in web/e2e/axe)", err)
	}
	return string(b), nil
}

// axeViolation is one rule the page breaks, with the nodes that break it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Targets []string `json:"targets"` // CSS selectors of the nodes
}

// axeRun runs every axe rule over the document and returns its
// violations.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations
  .map((v) => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" "))})))`

// failing reports whether a violation fails the check: critical and
// serious ones do; moderate and minor ones are only logged.
func (v axeViolation) failing() bool { return v.Impact == "critical" || v.Impact == "serious" }

// runAxe injects axe-core into the page shown in ctx (once per document)
// and returns its violations.
func runAxe(t *testing.T, ctx context.Context) ([]axeViolation, error) {
	t.Helper()
	src := needAxe(t)
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
}

// checkAxe runs axe-core on the page shown in ctx, in a subtest named
// after page, and fails on any critical or serious violation, printing
// each rule, its help and the nodes that break it. Every page of the
// product passes it (TestEveryPageAxe); a test that shows a page in a
// state worth checking (a form with errors, a link just published) calls
// it there too.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	t.Run("axe "+page, func(t *testing.T) {
		all, err := runAxe(t, ctx)
		if err != nil {
			t.Fatalf("axe-core on %s: %v", page, err)
		}
		bad, minor := splitViolations(all)
		if len(minor) > 0 {
			t.Logf("%s: moderate or minor findings (not a failure):\n%s", page, axeReport(minor))
		}
		if len(bad) > 0 {
			t.Errorf("%s (%s) has critical or serious accessibility violations:\n%s", page, location(t, ctx), axeReport(bad))
		}
	})
}

// checkA11y is checkAxe under the name the tests used before axe-core.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	checkAxe(t, ctx, page)
}

func splitViolations(all []axeViolation) (bad, minor []axeViolation) {
	for _, v := range all {
		if v.failing() {
			bad = append(bad, v)
		} else {
			minor = append(minor, v)
		}
	}
	return bad, minor
}

func axeReport(bad []axeViolation) string {
	var b strings.Builder
	for _, v := range bad {
		fmt.Fprintf(&b, "  %s (%s): %s — %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Targets {
			fmt.Fprintf(&b, "      %s\n", n)
		}
	}
	return b.String()
}

// TestAxeCatches makes sure axe-core is injected and run for real and
// that its critical and serious findings come back, on a page made to
// fail: an image without alt, a field without label, text too faint to
// read, a button without a name, no lang.
func TestAxeCatches(t *testing.T) {
	w := needWorld(t)
	ctx := w.person(t)
	bad := `<html><head><title>x</title></head><body><main><h1>a</h1><img src="/static/none.png"><input id="x">` +
		`<p style="color:#bbb;background:#fff">faint</p><button></button></main></body></html>`
	do(t, ctx, chromedp.Navigate("about:blank"))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.open(); document.write(`+"`"+bad+"`"+`); document.close()`)); err != nil {
		t.Fatal(err)
	}
	all, err := runAxe(t, ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := splitViolations(all)
	found := map[string]bool{}
	for _, v := range got {
		found[v.ID] = true
		if v.Help == "" || len(v.Targets) == 0 {
			t.Errorf("%s comes without help or nodes: %+v", v.ID, v)
		}
	}
	for _, want := range []string{"image-alt", "label", "color-contrast", "button-name", "html-has-lang"} {
		if !found[want] {
			t.Errorf("axe-core missed %s; it found:\n%s", want, axeReport(got))
		}
	}
}

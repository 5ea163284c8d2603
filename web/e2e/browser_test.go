package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
)

// world is the service and the browser, started once for every test of
// the package (the first test that needs them starts them).
type world struct {
	svc     *service
	browser context.Context // the browser; each person gets a context of their own
	cancel  context.CancelFunc
	dir     string
	err     error
}

var (
	once   sync.Once
	shared world
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.svc != nil {
		shared.svc.close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// chromium finds the browser: $PARCOURS_CHROMIUM, or chromium on the PATH.
func chromium() (string, error) {
	if p := os.Getenv("PARCOURS_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("PARCOURS_CHROMIUM: %w", err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on the PATH (apt-get install chromium, or set PARCOURS_CHROMIUM)")
}

// needWorld returns the started service and browser; without Chromium the
// test skips, or fails when CI=true.
func needWorld(t *testing.T) *world {
	t.Helper()
	path, err := chromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium on CI: %v", err)
		}
		t.Skipf("browser tests skipped: %v", err)
	}
	once.Do(func() { shared.err = shared.start(path) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return &shared
}

func (w *world) start(path string) error {
	var err error
	if w.dir, err = os.MkdirTemp("", "parcours-e2e-"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if w.svc, err = startService(ctx, w.dir); err != nil {
		return fmt.Errorf("start the service: %w", err)
	}
	profile, err := os.MkdirTemp(w.dir, "chromium-")
	if err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1366, 900),
		// French first, as the people who use Parcours read it.
		chromedp.Flag("lang", "fr-FR"), chromedp.Flag("accept-lang", "fr-FR,fr,en"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	w.browser, w.cancel = browser, func() { cancelBrowser(); cancelAlloc() }
	if err := chromedp.Do(browser); err != nil { // starts the browser
		return fmt.Errorf("start %s: %w", path, err)
	}
	return nil
}

// person is someone at their own browser: a context with its own cookies
// (a new browser context), closed at the test's end.
func (w *world) person(t *testing.T) context.Context {
	t.Helper()
	return w.personFor(t, 45*time.Second)
}

// personFor is a person whose browser context lasts at most d.
func (w *world) personFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(w.browser, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return ctx
}

// open navigates to path and returns the response's status.
func (w *world) open(t *testing.T, ctx context.Context, path string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(w.svc.url+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks sel (a form's button) and waits for the page it leads to.
func submit(t *testing.T, ctx context.Context, sel string) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("submit %s: %v", sel, err)
	}
	return resp
}

// login logs the demo person id in, through the login form, and returns
// the page they land on.
func (w *world) login(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	p := demo.Find(id)
	w.open(t, ctx, "/login")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("f-email"), p.Email), chromedp.SendKeys(chromedp.ID("f-password"), demo.Password))
	resp := submit(t, ctx, `form[action="/login"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("login as %s: %d at %s", p.Email, resp.Status, resp.URL)
	}
	return strings.TrimPrefix(location(t, ctx), w.svc.url)
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// mainText is the text of the page's main landmark, as shown.
func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : ""`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// html is the page's whole markup.
func html(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// routeMissing reports whether a page of another group is not served
// yet: the test that needs it skips, saying so.
func routeMissing(t *testing.T, status int64, path, needs string) {
	t.Helper()
	if status == http.StatusNotFound {
		t.Skipf("%s answers 404: needs %s", path, needs)
	}
}

package e2e_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
)

// mainPage is a page every role's tour goes through.
type mainPage struct {
	name string // of the screenshots
	who  string // the demo person logged in; "" for nobody
	path string // "" for the demo's published page
	want int    // the status; 0 for 200
}

var mainPages = []mainPage{
	{name: "home", path: "/"},
	{name: "login", path: "/login"},
	{name: "recruiter-page"},
	{name: "not-found", path: "/p/no-such-link", want: http.StatusNotFound},
	{name: "beneficiary-portfolio", who: demo.Beneficiary, path: "/me/portfolio"},
	{name: "beneficiary-goals", who: demo.Beneficiary, path: "/me/goals"},
	{name: "beneficiary-journal", who: demo.Beneficiary, path: "/me/journal"},
	{name: "beneficiary-share", who: demo.Beneficiary, path: "/me/share"},
	{name: "beneficiary-cv", who: demo.Beneficiary, path: "/me/cvs/cv-demo"},
	{name: "beneficiary-evidence-form", who: demo.Beneficiary, path: "/me/evidence/new"},
	{name: "counsellor-dashboard", who: demo.Counsellor, path: "/counsellor"},
	{name: "counsellor-case", who: demo.Counsellor, path: "/counsellor/beneficiaries/" + demo.Beneficiary},
	{name: "counsellor-dossier", who: demo.Counsellor, path: "/counsellor/beneficiaries/" + demo.Beneficiary + "/dossiers/" + demo.Dossier},
	{name: "tutor-home", who: demo.Tutor, path: "/tutor"},
	{name: "tutor-case", who: demo.Tutor, path: "/tutor/beneficiaries/" + demo.Beneficiary},
	{name: "auditor-home", who: demo.Auditor, path: "/auditor"},
	{name: "auditor-dossier", who: demo.Auditor, path: "/auditor/dossiers/" + demo.Beneficiary + "/" + demo.Dossier},
	{name: "admin", who: demo.Admin, path: "/admin"},
	{name: "admin-tokens", who: demo.Admin, path: "/admin/tokens"},
	{name: "notification-centre", who: demo.Counsellor, path: "/notifications"},
}

// The two windows of the screenshots.
var windows = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"desktop", 1366, 900, false},
}

// TestMainPages opens every main page as its role, in a phone-sized and
// a desktop-sized window: each passes the accessibility basics, and its
// screenshots are saved in $PARCOURS_ARTIFACTS (NAME-phone.png,
// NAME-desktop.png).
func TestMainPages(t *testing.T) {
	w := needWorld(t)
	dir, err := artifacts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]context.Context{} // one browser each, logged in
	for _, pg := range mainPages {
		if _, ok := people[pg.who]; !ok {
			people[pg.who] = w.person(t)
			if pg.who != "" {
				w.login(t, people[pg.who], pg.who)
			}
		}
	}
	for _, pg := range mainPages {
		t.Run(pg.name, func(t *testing.T) { w.shoot(t, people[pg.who], pg, dir) })
	}
	t.Logf("screenshots in %s", dir)
}

// shoot opens pg in ctx in both windows, checks it and saves its
// screenshots in dir.
func (w *world) shoot(t *testing.T, ctx context.Context, pg mainPage, dir string) {
	path, want := pg.path, pg.want
	if path == "" {
		path = w.svc.seeded.PagePath
	}
	if want == 0 {
		want = http.StatusOK
	}
	for i, win := range windows {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
		if win.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		do(t, ctx, chromedp.EmulateViewport(win.width, win.height, opts...))
		status := w.open(t, ctx, path)
		if status == http.StatusNotFound && want != http.StatusNotFound {
			routeMissing(t, status, path, "the page "+pg.name)
		}
		if status != int64(want) {
			t.Fatalf("%s: %d, want %d", path, status, want)
		}
		if i == 0 {
			checkAxe(t, ctx, pg.name)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", path, err)
		}
		if err := os.WriteFile(filepath.Join(dir, pg.name+"-"+win.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

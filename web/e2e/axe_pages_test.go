package e2e_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
)

// pageVisit is a page TestEveryPageAxe opens and checks with axe-core, in
// French and in English.
type pageVisit struct {
	route string // the GET route it covers, as web registers it; "" for an error page
	who   string // the demo person logged in; "" for nobody
	path  string // the address; "" for the route itself
	want  int    // the status; 0 for 200
	// find, if set, finds the address in the person's browser (a page
	// whose ID the demo does not fix).
	find func(t *testing.T, w *world, ctx context.Context) string
	// send, if set, selects a form of the page that is sent empty (as a
	// browser without the checks of HTML does) to check the page that
	// answers it: the form with its errors, or what a form shows once
	// (a published link); want is then that page's status.
	send string
}

// leaCase is the counsellor's page of the demo beneficiary.
const leaCase = "/counsellor/beneficiaries/" + demo.Beneficiary

// pageVisits cover every GET page route of web (a new page adds a line
// here, or TestEveryPageAxe fails), then the error pages.
var pageVisits = []pageVisit{
	{route: "/"},
	{route: "/login"},
	{route: "/p/{token}", find: func(_ *testing.T, w *world, _ context.Context) string { return w.svc.seeded.PagePath }},

	{route: "/me/portfolio", who: demo.Beneficiary},
	{route: "/me/experiences/new", who: demo.Beneficiary},
	{route: "/me/experiences/{id}/edit", who: demo.Beneficiary, path: "/me/experiences/" + demo.ShopExperience + "/edit"},
	{route: "/me/experiences/{id}/tasks/new", who: demo.Beneficiary, path: "/me/experiences/" + demo.ShopExperience + "/tasks/new"},
	{route: "/me/experiences/{id}/tasks/{task}/edit", who: demo.Beneficiary, path: "/me/experiences/" + demo.ShopExperience + "/tasks/t-demo-shelves/edit"},
	{route: "/me/competences/new", who: demo.Beneficiary},
	{route: "/me/evidence/new", who: demo.Beneficiary},
	{route: "/me/share", who: demo.Beneficiary},
	{route: "/me/cvs/new", who: demo.Beneficiary},
	{route: "/me/cvs/{id}", who: demo.Beneficiary, path: "/me/cvs/cv-demo"},
	{route: "/me/pages/new", who: demo.Beneficiary},
	{route: "/me/pages/{id}/publish", who: demo.Beneficiary, path: "/me/pages/" + demo.Page + "/publish"},
	{route: "/me/journal", who: demo.Beneficiary},
	{route: "/me/journal/new", who: demo.Beneficiary},
	{route: "/me/conversation", who: demo.Beneficiary},
	{route: "/me/goals", who: demo.Beneficiary},
	{route: "/me/goals/new", who: demo.Beneficiary},
	{route: "/me/goals/{id}/milestones/new", who: demo.Beneficiary, path: "/me/goals/goal-demo-job/milestones/new"},
	{route: "/me/account", who: demo.Beneficiary},
	{route: "/me/badges", who: demo.Beneficiary},
	{route: "/me/import", who: demo.Beneficiary},
	{route: "/notifications", who: demo.Beneficiary},
	{route: "/me/account/erase", who: demo.Beneficiary},

	{route: "/counsellor", who: demo.Counsellor},
	{route: "/counsellor", who: demo.Counsellor, path: "/counsellor?inactive=1&sort=name"},
	{route: "/counsellor/beneficiaries/{portfolioID}", who: demo.Counsellor, path: leaCase},
	{route: "/counsellor/beneficiaries/{portfolioID}/conversation", who: demo.Counsellor, path: leaCase + "/conversation"},
	{route: "/counsellor/beneficiaries/{portfolioID}/dossiers/{dossierID}", who: demo.Counsellor, path: leaCase + "/dossiers/" + demo.Dossier},
	{route: "/counsellor/conversations", who: demo.Counsellor},
	{route: "/counsellor/beneficiaries/{portfolioID}/import", who: demo.Counsellor, path: leaCase + "/import"},
	{route: "/notifications", who: demo.Counsellor},
	{route: "/counsellor/beneficiaries/{portfolioID}/badges", who: demo.Counsellor, path: leaCase + "/badges"},
	{route: "/counsellor/conversations/{conversationID}", who: demo.Counsellor, find: colleagueTalk},

	{route: "/tutor", who: demo.Tutor},
	{route: "/tutor/beneficiaries/{portfolioID}", who: demo.Tutor, path: "/tutor/beneficiaries/" + demo.Beneficiary},
	{route: "/tutor/beneficiaries/{portfolioID}/items/{kind}/*", who: demo.Tutor, path: "/tutor/beneficiaries/" + demo.Beneficiary + "/items/task/" + demo.ShelvesTask},

	{route: "/auditor", who: demo.Auditor},
	{route: "/auditor/dossiers/{portfolioID}/{dossierID}", who: demo.Auditor, path: "/auditor/dossiers/" + demo.Beneficiary + "/" + demo.Dossier},

	{route: "/admin", who: demo.Admin},
	{route: "/admin/tokens", who: demo.Admin},

	// The error pages (the revoked link's 410 is TestJourney's).
	{path: "/no-such-page", want: http.StatusNotFound},
	{path: "/p/no-such-link", want: http.StatusNotFound},
	{who: demo.Beneficiary, path: "/counsellor", want: http.StatusForbidden},
	// An unsubscribe link's token comes in an e-mail: an unknown one
	// answers its 404 here, and TestNotificationsAndDigest opens a real one.
	{route: "/unsubscribe/{token}", path: "/unsubscribe/no-such-token", want: http.StatusNotFound},
	// The demo holds no badge: a badge's verification page of a published
	// page answers its 404 here, and TestBadgeJourney checks it as shown.
	{route: "/p/{token}/badges/{id}", find: func(_ *testing.T, w *world, _ context.Context) string {
		return w.svc.seeded.PagePath + "/badges/no-such-badge"
	}, want: http.StatusNotFound},

	// Forms sent empty, answered with their errors, and the link a
	// publication shows once.
	{route: "/login", send: `form[action="/login"]`, want: http.StatusUnprocessableEntity},
	{route: "/me/experiences/new", who: demo.Beneficiary, send: `main form`, want: http.StatusUnprocessableEntity},
	{route: "/me/journal/new", who: demo.Beneficiary, send: `main form`, want: http.StatusUnprocessableEntity},
	{route: "/me/conversation", who: demo.Beneficiary, send: `#talk-form`, want: http.StatusUnprocessableEntity},
	{route: "/counsellor/beneficiaries/{portfolioID}", who: demo.Counsellor, path: leaCase, send: `form[action$="/comments"]`, want: http.StatusUnprocessableEntity},
	{route: "/tutor/beneficiaries/{portfolioID}/items/{kind}/*", who: demo.Tutor, path: "/tutor/beneficiaries/" + demo.Beneficiary + "/items/task/" + demo.ShelvesTask,
		send: `form[action$="/comments"]`, want: http.StatusUnprocessableEntity},
	{route: "/me/pages/{id}/publish", who: demo.Beneficiary, path: "/me/pages/" + demo.Page + "/publish", send: `main form`, want: http.StatusCreated},
	{route: "/admin", who: demo.Admin, send: `form[action="/admin/members"]`, want: http.StatusUnprocessableEntity},
	{route: "/admin/tokens", who: demo.Admin, send: `form[action="/admin/tokens"]`, want: http.StatusUnprocessableEntity},
}

// notPages are the GET routes that answer no HTML page, and what they
// answer instead.
var notPages = map[string]string{
	"/static/*":                       "style sheets, scripts and images",
	"/me":                             "a redirection to /me/portfolio",
	"/me/files/{fileID}":              "an evidence file",
	"/me/cvs/{id}/pdf":                "a PDF",
	"/me/cvs/{id}/jsonresume":         "a JSON Resume document",
	"/p/{token}/files/{fileID}":       "an evidence file of a published page",
	"/me/cvs/{id}/europass":           "a Europass CV (XML)",
	"/me/cvs/{id}/leap2a":             "a LEAP2A zip",
	"/me/badges/{id}/download":        "a signed credential (JSON)",
	"/p/{token}/badges/{id}/download": "a signed credential (JSON) of a published page",
}

// colleagueTalk opens a one-to-one conversation of the counsellor with a
// colleague (starting one with the first colleague the inbox offers if
// there is none) and returns its address.
func colleagueTalk(t *testing.T, w *world, ctx context.Context) string {
	t.Helper()
	w.open(t, ctx, "/counsellor/conversations")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
	  const a = document.querySelector('main a[href^="/counsellor/conversations/"]');
	  return a ? a.getAttribute("href") : "";
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if href != "" {
		return href
	}
	if resp := submit(t, ctx, `form[action="/counsellor/conversations"] button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("start a conversation with a colleague: %d", resp.Status)
	}
	return strings.TrimPrefix(location(t, ctx), w.svc.url)
}

// TestEveryPageAxe opens every page of the product with axe-core, as the
// person who sees it, in French (the default) and then in English, chosen
// with the language switch of the page header: no page may have a
// critical or serious violation. Every GET route of the pages is visited
// or listed in notPages, or the test fails.
func TestEveryPageAxe(t *testing.T) {
	w := needWorld(t)
	needAxe(t)
	routes, err := w.svc.pages.GetRoutes()
	if err != nil {
		t.Fatal(err)
	}
	checkCoverage(t, routes)
	var people []string // in the order of the list, one browser each
	for _, v := range pageVisits {
		if !slices.Contains(people, v.who) {
			people = append(people, v.who)
		}
	}
	for _, who := range people {
		name := who
		if name == "" {
			name = "nobody"
		}
		t.Run(name, func(t *testing.T) { w.axeTour(t, who) })
	}
}

// checkCoverage fails for every problem coverageProblems finds.
func checkCoverage(t *testing.T, routes []string) {
	t.Helper()
	for _, p := range coverageProblems(routes) {
		t.Error(p)
	}
}

// coverageProblems names every route neither visited nor in notPages,
// and every visit or notPages entry of a route that no longer exists.
func coverageProblems(routes []string) []string {
	var out []string
	visited := map[string]bool{}
	for _, v := range pageVisits {
		if v.route != "" {
			visited[v.route] = true
		}
	}
	for _, r := range routes {
		if _, skip := notPages[r]; !visited[r] && !skip {
			out = append(out, "the page route GET "+r+" is not checked: add a visit to pageVisits (web/e2e/axe_pages_test.go), or to notPages if it answers no page")
		}
	}
	for r := range visited {
		if !slices.Contains(routes, r) {
			out = append(out, "pageVisits names GET "+r+", which web no longer serves")
		}
	}
	for r := range notPages {
		if !slices.Contains(routes, r) {
			out = append(out, "notPages names GET "+r+", which web no longer serves")
		}
	}
	slices.Sort(out)
	return out
}

// TestAxeCoverageCatches makes sure a page route that nobody visits
// fails TestEveryPageAxe, and so does a visit of a route that is gone.
func TestAxeCoverageCatches(t *testing.T) {
	w := needWorld(t)
	routes, err := w.svc.pages.GetRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(routes, "/me/portfolio") || !slices.Contains(routes, "/admin/tokens") {
		t.Fatalf("GetRoutes misses pages: %v", routes)
	}
	if got := coverageProblems(routes); len(got) != 0 {
		t.Fatalf("the served routes are not all covered: %v", got)
	}
	added := append(slices.Clone(routes), "/me/new-page")
	if got := coverageProblems(added); len(got) != 1 || !strings.Contains(got[0], "GET /me/new-page is not checked") {
		t.Errorf("a new page route: %v", got)
	}
	gone := slices.DeleteFunc(slices.Clone(routes), func(r string) bool { return r == "/me/goals" })
	if got := coverageProblems(gone); len(got) != 1 || !strings.Contains(got[0], "GET /me/goals, which web no longer serves") {
		t.Errorf("a route gone: %v", got)
	}
}

// axeTour is one person's tour: logged in, every page of theirs in
// French, then the switch to English, then every page again.
func (w *world) axeTour(t *testing.T, who string) {
	ctx := w.personFor(t, 4*time.Minute)
	if who != "" {
		w.login(t, ctx, who)
	}
	var mine []pageVisit
	for _, v := range pageVisits {
		if v.who == who {
			if v.find != nil {
				v.path = v.find(t, w, ctx)
			} else if v.path == "" {
				v.path = v.route
			}
			mine = append(mine, v)
		}
	}
	for _, lang := range []string{"fr", "en"} {
		if lang == "en" {
			w.switchToEnglish(t, ctx)
		}
		for _, win := range windows {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
			if win.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			do(t, ctx, chromedp.EmulateViewport(win.width, win.height, opts...))
			for _, v := range mine {
				w.axeVisit(t, ctx, v, lang+" "+win.name, lang)
			}
		}
	}
}

// switchToEnglish clicks "English" in the language switch of the home
// page, which remembers the choice for the pages after it.
func (w *world) switchToEnglish(t *testing.T, ctx context.Context) {
	t.Helper()
	w.open(t, ctx, "/")
	if resp := submit(t, ctx, `header nav.lang a[hreflang="en"]`); resp.Status != http.StatusOK {
		t.Fatalf("the language switch answers %d", resp.Status)
	}
}

// axeVisit opens v (and sends its form), checks the status and the
// language of the page, and runs axe-core on it.
func (w *world) axeVisit(t *testing.T, ctx context.Context, v pageVisit, name, lang string) {
	t.Helper()
	want := v.want
	if want == 0 {
		want = http.StatusOK
	}
	name += " " + v.path
	status := w.open(t, ctx, v.path)
	if v.send != "" {
		if status != http.StatusOK {
			t.Errorf("%s: %d", name, status)
			return
		}
		name += " sent empty"
		resp, err := chromedp.RunResponse(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(v.send)+`).submit()`))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		status = resp.Status
	}
	if status != int64(want) {
		t.Errorf("%s: %d, want %d", name, status, want)
		return
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil || got != lang {
		t.Errorf("%s: html lang %q (%v), want %q", name, got, err, lang)
	}
	checkAxe(t, ctx, name)
}

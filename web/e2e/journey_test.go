package e2e_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/demo"
)

// The evidence and the page the journey makes.
const (
	evidenceTitle = "Photo du rayon après le réassort du samedi"
	pageTitle     = "Candidature — rayon épicerie"
)

// TestJourney plays issue 9's story in the browser, each person in a
// browser context of their own: the beneficiary attaches a photo as
// evidence and publishes a page with it; a recruiter, not logged in,
// opens the link and sees it; the beneficiary revokes the link and it
// answers 410 without the content; the counsellor sees the new evidence
// in their dashboard; the tutor whose scope covers it sees it, the tutor
// outside the scope finds it neither in the page nor at its address (404).
func TestJourney(t *testing.T) {
	w := needWorld(t)
	lea := w.person(t)
	if landing := w.login(t, lea, demo.Beneficiary); landing != "/me/portfolio" {
		t.Fatalf("the beneficiary lands on %s", landing)
	}
	checkAxe(t, lea, "beneficiary's portfolio")
	// Each step goes on if the one before did its part (an accessibility
	// failure is reported, and does not stop the story).
	var attached bool
	var share, pageID string
	t.Run("beneficiary attaches a photo", func(t *testing.T) { attached = w.attachPhoto(t, lea) })
	if !attached {
		return
	}
	t.Run("beneficiary publishes a page", func(t *testing.T) { share, pageID = w.publish(t, lea) })
	if share == "" {
		return
	}
	recruiter := w.person(t)
	t.Run("recruiter reads the page", func(t *testing.T) {
		resp, err := chromedp.Run(recruiter, chromedp.NavigateResponse(share))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("open %s: %v %v", share, resp, err)
		}
		if text := mainText(t, recruiter); !strings.Contains(text, evidenceTitle) || !strings.Contains(text, "Employée libre-service") {
			t.Errorf("the page lacks the evidence or the experience:\n%s", text)
		}
		if !imageShown(t, recruiter, evidenceTitle) {
			t.Errorf("the photo %q is not shown", evidenceTitle)
		}
		checkAxe(t, recruiter, "recruiter page")
	})
	t.Run("revoked link answers 410", func(t *testing.T) {
		w.open(t, lea, "/me/share")
		if resp := submit(t, lea, `article[id="`+pageID+`"] form[action$="/revoke"] button`); resp.Status != http.StatusOK {
			t.Fatalf("revoke: %d", resp.Status)
		}
		resp, err := chromedp.Run(recruiter, chromedp.NavigateResponse(share))
		if err != nil || resp.Status != http.StatusGone {
			t.Fatalf("revoked link: %v %v, want 410", resp, err)
		}
		if strings.Contains(html(t, recruiter), evidenceTitle) {
			t.Error("the revoked link still shows the content")
		}
		checkAxe(t, recruiter, "revoked link")
	})
	t.Run("counsellor sees the new evidence", func(t *testing.T) {
		karim := w.person(t)
		w.login(t, karim, demo.Counsellor)
		routeMissing(t, w.open(t, karim, "/counsellor"), "/counsellor", "the counsellor's dashboard")
		if !eventually(t, karim, evidenceTitle) {
			t.Errorf("the dashboard does not show %q:\n%s", evidenceTitle, mainText(t, karim))
		}
		checkAxe(t, karim, "counsellor dashboard")
	})
	t.Run("tutor outside the scope cannot see it", func(t *testing.T) { w.tutors(t) })
}

// attachPhoto attaches a PNG to the shop task through the evidence form
// (a multipart upload, sent with the progress script).
func (w *world) attachPhoto(t *testing.T, lea context.Context) bool {
	file := filepath.Join(t.TempDir(), "rayon.png")
	if err := os.WriteFile(file, photo(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if st := w.open(t, lea, "/me/evidence/new?target=task:"+demo.ShelvesTask); st != http.StatusOK {
		t.Fatalf("evidence form: %d", st)
	}
	checkAxe(t, lea, "evidence form")
	do(t, lea, chromedp.SendKeys(chromedp.ID("f-title"), evidenceTitle), chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{file}))
	if resp := submit(t, lea, `form[action="/me/evidence"] button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("attach: %d at %s\n%s", resp.Status, resp.URL, mainText(t, lea))
	}
	if !strings.Contains(mainText(t, lea), evidenceTitle) || !imageShown(t, lea, evidenceTitle) {
		t.Fatalf("the portfolio does not show the photo:\n%s", mainText(t, lea))
	}
	return true
}

// publish makes a page of the shop experience and the photo, publishes
// it and returns the share link shown once, and the page's ID.
func (w *world) publish(t *testing.T, lea context.Context) (share, pageID string) {
	w.open(t, lea, "/me/pages/new")
	checkAxe(t, lea, "page form")
	checked, err := chromedp.Run(lea, chromedp.Evaluate[int](`(() => {
	  let n = 0;
	  for (const box of document.querySelectorAll("input[name=items]")) {
	    const label = box.closest(".choice") && box.closest(".choice").querySelector("label");
	    if (box.value === "experience:`+demo.ShopExperience+`" || (label && label.textContent.trim() === "`+evidenceTitle+`")) { box.checked = true; n++; }
	  }
	  return n;
	})()`))
	if err != nil || checked != 2 {
		t.Fatalf("page form: %d items checked (%v), want the experience and the photo", checked, err)
	}
	do(t, lea, chromedp.SendKeys(chromedp.ID("f-title"), pageTitle))
	if resp := submit(t, lea, `form[action="/me/pages"] button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("create the page: %d\n%s", resp.Status, mainText(t, lea))
	}
	rest, ok := strings.CutPrefix(location(t, lea), w.svc.url+"/me/pages/") // {id}/publish
	pageID, _, _ = strings.Cut(rest, "/")
	if !ok || pageID == "" {
		t.Fatalf("after creating the page: %s", location(t, lea))
	}
	checkAxe(t, lea, "publish form")
	do(t, lea, chromedp.SendKeys(chromedp.ID("f-recipient"), "Recruteuse du magasin"))
	if resp := submit(t, lea, `form[action$="/publish"] button[type=submit]`); resp.Status != http.StatusCreated {
		t.Fatalf("publish: %d at %s\n%s", resp.Status, resp.URL, mainText(t, lea))
	}
	share, err = chromedp.Run(lea, chromedp.Value(chromedp.ID("share-url")))
	if err != nil || !strings.HasPrefix(share, w.svc.url+"/p/") {
		t.Fatalf("share link %q (%v)", share, err)
	}
	checkAxe(t, lea, "published link")
	return share, pageID
}

// tutors: the tutor of the shop experience finds the photo and opens it;
// the tutor of the volunteering only finds neither it in the page nor its
// address.
func (w *world) tutors(t *testing.T) {
	base := "/tutor/beneficiaries/" + demo.Beneficiary
	sophie := w.person(t)
	w.login(t, sophie, demo.Tutor)
	routeMissing(t, w.open(t, sophie, base), base, "the tutor's pages")
	checkAxe(t, sophie, "tutor's view")
	href, err := chromedp.Run(sophie, chromedp.Evaluate[string](`(() => {
	  const a = [...document.querySelectorAll("main a")].find((a) => a.textContent.trim() === "`+evidenceTitle+`");
	  return a ? a.getAttribute("href") : "";
	})()`))
	if err != nil || !strings.HasPrefix(href, base+"/items/evidence/") {
		t.Fatalf("the tutor in scope has no link to the photo: %q %v\n%s", href, err, mainText(t, sophie))
	}
	if st := w.open(t, sophie, href); st != http.StatusOK {
		t.Fatalf("the tutor in scope opens %s: %d", href, st)
	}
	marc := w.person(t)
	w.login(t, marc, demo.OtherTutor)
	if st := w.open(t, marc, base); st != http.StatusOK {
		t.Fatalf("the other tutor's view of the portfolio: %d", st)
	}
	evidenceID := strings.TrimPrefix(href, base+"/items/evidence/")
	if page := html(t, marc); strings.Contains(page, evidenceTitle) || strings.Contains(page, evidenceID) {
		t.Errorf("the tutor outside the scope sees the photo in %s", base)
	}
	if st := w.open(t, marc, href); st != http.StatusNotFound {
		t.Errorf("the tutor outside the scope opens %s: %d, want 404", href, st)
	}
	if strings.Contains(html(t, marc), evidenceTitle) {
		t.Error("the 404 page shows the photo's title")
	}
}

// imageShown reports whether the page shows a loaded image with alt text
// alt.
func imageShown(t *testing.T, ctx context.Context, alt string) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.images].some((i) => i.alt === "`+alt+`" && i.complete && i.naturalWidth > 0)`,
		chromedp.WithPollingTimeout(5*time.Second)))
	return err == nil && ok
}

// eventually reloads the page until its main landmark shows want (the
// read models follow the log within moments).
func eventually(t *testing.T, ctx context.Context, want string) bool {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if strings.Contains(mainText(t, ctx), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
		do(t, ctx, chromedp.Reload())
	}
}

// photo is a small PNG: a shelf drawn in three colours.
func photo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 90))
	for y := range 90 {
		for x := range 120 {
			c := color.RGBA{0xf4, 0xf1, 0xea, 0xff}
			if y%30 > 24 {
				c = color.RGBA{0x6b, 0x4f, 0x2a, 0xff} // the shelves
			} else if y%30 > 6 && x%20 > 3 && x%20 < 17 {
				c = color.RGBA{0xc0, 0x39, 0x2b, 0xff} // the products
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

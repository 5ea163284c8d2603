package e2e_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/demo"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/frameworks"
)

// importFrameworks imports the extracts of testdata/frameworks, as the
// operator would with `parcours frameworks import`.
func importFrameworks(ctx context.Context, h *commands.Handler) error {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	for _, k := range domain.FrameworkKinds {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "frameworks", string(k), "*"))
		if err != nil {
			return err
		}
		var files []frameworks.File
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files = append(files, frameworks.File{Name: filepath.Base(p), Body: bytes.NewReader(data)})
		}
		in, err := frameworks.Read(k, files...)
		if err != nil {
			return err
		}
		if _, err := h.ImportFramework(ctx, op, commands.ImportFramework{Kind: k, FrameworkImport: in}); err != nil {
			return err
		}
	}
	return nil
}

// TestCompetencePickerAsYouType: in a real browser, the beneficiary types
// a few words without accents in the framework search; the results come
// as she types (the page does not move); she picks one and declares the
// competence without naming it, and her portfolio shows the framework's
// label.
func TestCompetencePickerAsYouType(t *testing.T) {
	w := needWorld(t)
	lea := w.person(t)
	w.login(t, lea, demo.Beneficiary)
	w.open(t, lea, "/me/competences/new")
	checkA11y(t, lea, "competence form with its framework picker")
	do(t, lea, chromedp.SendKeys(chromedp.ID("fw-q"), "elaboration projet"))
	wait, cancel := context.WithTimeout(lea, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`#fw-results a`))); err != nil {
		t.Fatalf("no result as one types: %v\n%s", err, mainText(t, lea))
	}
	if loc := location(t, lea); !strings.HasSuffix(loc, "/me/competences/new") {
		t.Errorf("the page moved while typing: %s", loc)
	}
	const label = "Accompagner une personne à l'élaboration de son projet professionnel"
	if text := mainText(t, lea); !strings.Contains(text, label) {
		t.Fatalf("the results lack %q:\n%s", label, text)
	}
	checkA11y(t, lea, "framework picker with results")
	submit(t, lea, `#fw-results a`)
	if text := mainText(t, lea); !strings.Contains(text, "Élément choisi : "+label) {
		t.Fatalf("the choice is not shown:\n%s", text)
	}
	resp := submit(t, lea, `form[action="/me/competences"] button[type=submit]`)
	if !strings.Contains(resp.URL, "/me/portfolio") {
		t.Fatalf("declare: %d at %s\n%s", resp.Status, resp.URL, mainText(t, lea))
	}
	if text := mainText(t, lea); !strings.Contains(text, label) || !strings.Contains(text, "RNCP37274 · BC02-C2") {
		t.Errorf("the portfolio does not show the framework's label:\n%s", text)
	}
}

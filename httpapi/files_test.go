package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

var (
	pdf  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% attestation de stage\n%%EOF\n")
	png  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 40)...)
	text = []byte("Compte rendu de la journée d'immersion — très bien.\n")
)

func TestUploadChecksOwnerTypeAndSize(t *testing.T) {
	a := newAPI(t)
	a.world()
	r, up := a.upload("p-zoe", "zoe", pdf, `../../C:\tmp/attestation de stage.pdf`)
	wantStatus(t, r, 201)
	sum := sha256.Sum256(pdf)
	if up.File.MediaType != "application/pdf" || up.File.SHA256 != hex.EncodeToString(sum[:]) || up.File.Size != int64(len(pdf)) ||
		len(up.File.FileID) != 64 || up.Name != "attestation de stage.pdf" {
		t.Fatalf("uploaded %+v", up)
	}
	if _, up := a.upload("p-zoe", "zoe", text, ""); up.File.MediaType != "text/plain; charset=utf-8" || up.Name != "" {
		t.Fatalf("text: %+v", up)
	}
	cases := []struct {
		name   string
		token  string
		body   []byte
		status int
	}{
		{"html is refused", "zoe", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 415},
		{"svg is refused", "zoe", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), 415},
		{"a plain zip is refused", "zoe", []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00" + strings.Repeat("\x00", 40)), 415},
		{"an executable is refused", "zoe", []byte("\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 40)), 415},
		{"empty", "zoe", []byte{}, 422},
		{"too large", "zoe", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 1<<20)...), 413},
		{"counsellor may not upload", "cons", pdf, 403},
		{"another beneficiary", "luc", pdf, 404},
		{"another structure", "other", pdf, 404},
		{"no credential", "", pdf, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.t = t
			r, _ := a.upload("p-zoe", c.token, c.body, "")
			wantStatus(t, r, c.status)
			if r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("not a problem: %s", r.header.Get("Content-Type"))
			}
		})
	}
}

func TestDownloadOnlyForThoseAllowed(t *testing.T) {
	a := newAPI(t)
	a.world()
	_, shop := a.upload("p-zoe", "zoe", pdf, "stage.pdf")
	_, club := a.upload("p-zoe", "zoe", png, "médaille «or».png")
	_, idCard := a.upload("p-zoe", "zoe", png, "carte.png")
	_, loose := a.upload("p-zoe", "zoe", text, "brouillon.txt")
	_, lucs := a.upload("p-luc", "luc", pdf, "luc.pdf")
	a.attach("ev-shop", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-shop"}, shop)
	a.attach("ev-club", domain.ItemRef{Kind: domain.ItemExperience, ID: "x-club"}, club)
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/documents", "zoe", map[string]any{"document_id": "doc-id", "kind": "id",
		"file": idCard.File, "text": map[string]any{"title": "Carte d'identité", "file_name": "carte.png"}}))
	get := func(token, portfolio, file string) reply {
		return a.do("GET", "/v1/portfolios/"+portfolio+"/files/"+file, token, nil)
	}
	r := get("zoe", "p-zoe", shop.File.FileID)
	wantStatus(t, r, 200)
	h := r.header
	if !bytes.Equal(r.body, pdf) || h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") ||
		h.Get("Content-Disposition") != `attachment; filename="stage.pdf"; filename*=UTF-8''stage.pdf` {
		t.Fatalf("download: %v %q", h, r.body)
	}
	r = get("cons", "p-zoe", club.File.FileID)
	wantStatus(t, r, 200)
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="m_daille _or_.png"; filename*=UTF-8''m%C3%A9daille%20%C2%ABor%C2%BB.png` {
		t.Fatalf("Content-Disposition %s", cd)
	}
	type probe struct {
		who, portfolio, file string
		status               int
	}
	check := func(probes []probe) {
		t.Helper()
		for _, p := range probes {
			if r := get(p.who, p.portfolio, p.file); r.status != p.status {
				t.Errorf("%s reads %s/%s: %d, want %d: %s", p.who, p.portfolio, p.file[:min(8, len(p.file))], r.status, p.status, r.body)
			}
		}
	}
	check([]probe{
		{"zoe", "p-zoe", loose.File.FileID, 200},   // the owner: every file, attached or not
		{"zoe", "p-zoe", idCard.File.FileID, 200},  // and her documents
		{"cons", "p-zoe", shop.File.FileID, 200},   // an assigned counsellor: evidence
		{"cons", "p-zoe", idCard.File.FileID, 404}, // not a document not shared
		{"cons", "p-zoe", loose.File.FileID, 404},  // nor a file not attached
		{"tutor", "p-zoe", shop.File.FileID, 200},  // a tutor: evidence in scope
		{"tutor", "p-zoe", club.File.FileID, 404},  // not out of it
		{"auditor", "p-zoe", club.File.FileID, 404},
		{"admin", "p-zoe", shop.File.FileID, 403},       // an admin does not read content
		{"luc", "p-zoe", shop.File.FileID, 404},         // another beneficiary
		{"other", "p-zoe", shop.File.FileID, 404},       // another structure
		{"zoe", "p-zoe", lucs.File.FileID, 404},         // a file of another portfolio
		{"luc", "p-luc", lucs.File.FileID, 200},         // …which its owner reads
		{"zoe", "p-zoe", strings.Repeat("ab", 32), 404}, // unknown
		{"zoe", "p-zoe", "not-a-file", 404},
		{"", "p-zoe", shop.File.FileID, 401},
	})
	// Sharing the document opens it to the counsellor; a dossier grant
	// opens to the auditor the evidence mapped in that dossier only.
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/documents/doc-id/sharing", "zoe", map[string]any{}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/dossiers", "zoe", map[string]any{"dossier_id": "vae", "certification": map[string]any{
		"rncp_code": "RNCP37849", "title": "Employé polyvalent du commerce",
		"blocks": []any{map[string]any{"code": "BC01", "title": "Accueillir", "competences": []any{map[string]any{"code": "C1.1", "title": "Accueillir le client"}}}}}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/dossiers/vae/mappings", "zoe", map[string]any{"block": "BC01", "item": map[string]any{"kind": "evidence", "id": "ev-club"}}))
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/auditor-grants", "zoe", map[string]any{"auditor_id": "p-audit", "dossier_id": "vae",
		"until": a.now.Add(30 * 24 * time.Hour).Format(time.RFC3339)}))
	check([]probe{
		{"cons", "p-zoe", idCard.File.FileID, 200},
		{"auditor", "p-zoe", club.File.FileID, 200},
		{"auditor", "p-zoe", shop.File.FileID, 404},
		{"tutor", "p-zoe", idCard.File.FileID, 404},
	})
	a.now = a.now.Add(31 * 24 * time.Hour) // the auditor's grant has expired
	check([]probe{{"auditor", "p-zoe", club.File.FileID, 404}})
}

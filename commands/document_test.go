package commands_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// storedFile puts content in the world's file store as p-zoe's and
// returns its reference.
func (w *world) storedFile(content string) domain.FileRef {
	w.t.Helper()
	ref, err := w.files.Put(w.ctx, "p-zoe", strings.NewReader(content), 1<<20)
	if err != nil {
		w.t.Fatal(err)
	}
	return domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: "application/pdf"}
}

func (w *world) document(id string, file domain.FileRef) commands.AddDocument {
	return commands.AddDocument{PortfolioID: "p-zoe", DocumentID: id, DocumentInput: domain.DocumentInput{Kind: domain.DocumentID, File: file,
		Text: domain.DocumentText{Title: "Carte d'identité-Doc-Zoé", FileName: "cni-zoe-martin.pdf"}}}
}

func TestAdministrativeFolder(t *testing.T) {
	w := newWorld(t)
	file := w.storedFile("%PDF scan of an identity card")
	res := w.mustDo(w.h.AddDocument(w.ctx, w.call(w.bene), w.document("d-cni", file)))
	if res.ID != "d-cni" {
		t.Fatalf("add: %+v", res)
	}
	gen := w.mustDo(w.h.AddDocument(w.ctx, w.call(w.bene), commands.AddDocument{PortfolioID: "p-zoe", DocumentInput: domain.DocumentInput{
		Kind: domain.DocumentContract, File: w.storedFile("contrat"), Text: domain.DocumentText{Title: "Contrat PEC"}}}))
	if !strings.HasPrefix(gen.ID, "d-") {
		t.Fatalf("generated id %q", gen.ID)
	}
	tutor2 := w.invitedTutor()
	sees := func(want map[string]bool) {
		t.Helper()
		w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
			for name, a := range map[string]domain.Actor{"owner": w.bene, "counsellor": w.counsellor, "counsellor2": w.counsellor2,
				"tutor2": tutor2, "auditor": w.auditor, "admin": w.admin, "bene2": w.bene2,
				"owner elsewhere": domainActor("p-zoe", "s-other", domain.RoleBeneficiary)} {
				if got := p.MaySeeDocument(a, "d-cni"); got != want[name] {
					t.Fatalf("%s may see the document: %v, want %v", name, got, want[name])
				}
			}
		})
	}
	// Private: the owner alone sees it.
	sees(map[string]bool{"owner": true})
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) {
		d := p.Documents()["d-cni"]
		if d.File != file || d.Kind != domain.DocumentID || d.Shared || d.Personal.FileName != "cni-zoe-martin.pdf" {
			t.Fatalf("document %+v", d)
		}
	})
	// Shared: the assigned counsellor sees it too, no one else.
	w.mustDo(w.h.ShareDocument(w.ctx, w.call(w.bene), commands.ShareDocument{PortfolioID: "p-zoe", DocumentID: "d-cni"}))
	sees(map[string]bool{"owner": true, "counsellor": true})
	w.mustDo(w.h.UnshareDocument(w.ctx, w.call(w.bene), commands.UnshareDocument{PortfolioID: "p-zoe", DocumentID: "d-cni"}))
	sees(map[string]bool{"owner": true})
	w.mustDo(w.h.ShareDocument(w.ctx, w.call(w.bene), commands.ShareDocument{PortfolioID: "p-zoe", DocumentID: "d-cni"}))
	w.mustDo(w.h.UnassignCounsellor(w.ctx, w.call(w.admin), commands.UnassignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	sees(map[string]bool{"owner": true})
	w.mustDo(w.h.AssignCounsellor(w.ctx, w.call(w.admin), commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	sees(map[string]bool{"owner": true, "counsellor": true})
	w.mustDo(w.h.RemoveDocument(w.ctx, w.call(w.bene), commands.RemoveDocument{PortfolioID: "p-zoe", DocumentID: "d-cni"}))
	sees(map[string]bool{})
	w.neverInClear("Doc-Zoé", "cni-zoe-martin", "Contrat PEC")
}

func TestAdministrativeFolderRefusals(t *testing.T) {
	w := newWorld(t)
	file := w.storedFile("scan")
	w.mustDo(w.h.AddDocument(w.ctx, w.call(w.bene), w.document("d-1", file)))
	w.mustDo(w.h.AddDocument(w.ctx, w.call(w.bene), w.document("d-shared", file)))
	w.mustDo(w.h.ShareDocument(w.ctx, w.call(w.bene), commands.ShareDocument{PortfolioID: "p-zoe", DocumentID: "d-shared"}))
	w.mustDo(w.h.AddDocument(w.ctx, w.call(w.bene), w.document("d-gone", file)))
	w.mustDo(w.h.RemoveDocument(w.ctx, w.call(w.bene), commands.RemoveDocument{PortfolioID: "p-zoe", DocumentID: "d-gone"}))

	add := func(mut func(*commands.AddDocument)) func(commands.Call) (commands.Result, error) {
		cmd := w.document("", file)
		mut(&cmd)
		return func(c commands.Call) (commands.Result, error) { return w.h.AddDocument(w.ctx, c, cmd) }
	}
	share := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.ShareDocument(w.ctx, c, commands.ShareDocument{PortfolioID: "p-zoe", DocumentID: id})
		}
	}
	unshare := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.UnshareDocument(w.ctx, c, commands.UnshareDocument{PortfolioID: "p-zoe", DocumentID: id})
		}
	}
	remove := func(id string) func(commands.Call) (commands.Result, error) {
		return func(c commands.Call) (commands.Result, error) {
			return w.h.RemoveDocument(w.ctx, c, commands.RemoveDocument{PortfolioID: "p-zoe", DocumentID: id})
		}
	}
	// Only the owner changes the folder: the assigned counsellor too is refused.
	everyone := w.outsiders(false)
	for name, cmd := range map[string]func(commands.Call) (commands.Result, error){
		"AddDocument": add(func(*commands.AddDocument) {}), "ShareDocument": share("d-1"),
		"UnshareDocument": unshare("d-shared"), "RemoveDocument": remove("d-1"),
	} {
		t.Run(name, func(t *testing.T) { w.refusedToAll(t, everyone, cmd) })
	}
	b, inv, nf, cf := w.bene, domain.KindInvalid, domain.KindNotFound, domain.KindConflict
	w.refusedAll(t, []refusal{
		{"unknown kind", b, add(func(c *commands.AddDocument) { c.Kind = "passport" }), inv, "kind"},
		{"no file id", b, add(func(c *commands.AddDocument) { c.File.FileID = "" }), inv, "file.file_id"},
		{"file id with a path", b, add(func(c *commands.AddDocument) { c.File.FileID = "../../etc/passwd" }), inv, "file.file_id"},
		{"hash not hex", b, add(func(c *commands.AddDocument) { c.File.SHA256 = strings.Repeat("z", 64) }), inv, "file.sha256"},
		{"hash too short", b, add(func(c *commands.AddDocument) { c.File.SHA256 = "abcd" }), inv, "file.sha256"},
		{"empty file", b, add(func(c *commands.AddDocument) { c.File.Size = 0 }), inv, "file.size"},
		{"no media type", b, add(func(c *commands.AddDocument) { c.File.MediaType = "" }), inv, "file.media_type"},
		{"bad media type", b, add(func(c *commands.AddDocument) { c.File.MediaType = "pdf" }), inv, "file.media_type"},
		{"no title", b, add(func(c *commands.AddDocument) { c.Text.Title = "" }), inv, "title"},
		{"file name too long", b, add(func(c *commands.AddDocument) { c.Text.FileName = strings.Repeat("n", 256) }), inv, "file_name"},
		{"bad id", b, add(func(c *commands.AddDocument) { c.DocumentID = "d 1" }), inv, "document_id"},
		{"duplicate id", b, add(func(c *commands.AddDocument) { c.DocumentID = "d-1" }), cf, ""},
		{"missing portfolio", b, add(func(c *commands.AddDocument) { c.PortfolioID = "p-nobody" }), nf, "portfolio"},
		{"share twice", b, share("d-shared"), cf, ""},
		{"share unknown", b, share("d-404"), nf, "document_id"},
		{"share removed", b, share("d-gone"), nf, "document_id"},
		{"unshare private", b, unshare("d-1"), cf, ""},
		{"unshare removed", b, unshare("d-gone"), nf, "document_id"},
		{"remove twice", b, remove("d-gone"), nf, "document_id"},
	})
}

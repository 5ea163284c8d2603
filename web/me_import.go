package web

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/projections"
)

// The import page: a beneficiary (/me/import), or a counsellor for a
// beneficiary they follow (/counsellor/beneficiaries/{id}/import), sends
// a LEAP2A zip, a JSON Resume document or a Europass CV with a plain
// form; the page answers the preview (what would be added, what was not
// understood) and a confirm button. Between the two the file is kept in
// memory for a few minutes under a random token, for the person who sent
// it only (a confirm that reaches another process, or comes late, asks
// for the file again).

func (s *Server) formatPages(r chi.Router) {
	r.Get("/me/import", s.importForm(s.meImporter))
	r.Post("/me/import/preview", s.importPreview(s.meImporter))
	r.Post("/me/import/confirm", s.importConfirm(s.meImporter))
	const b = "/counsellor/beneficiaries/{portfolioID}/import"
	r.Get(b, s.importForm(s.counsellorImporter))
	r.Post(b+"/preview", s.importPreview(s.counsellorImporter))
	r.Post(b+"/confirm", s.importConfirm(s.counsellorImporter))
	r.Get("/me/cvs/{id}/europass", s.cvEuropass)
	r.Get("/me/cvs/{id}/leap2a", s.cvLEAP2A)
}

// importer is who imports into which portfolio, and the page's menu.
type importer struct {
	actor     domain.Actor
	portfolio string
	action    string // the form's address
	back      string // the portfolio's page
	base      meBase
}

func (s *Server) meImporter(w http.ResponseWriter, r *http.Request) (importer, bool) {
	a, ok := s.beneficiary(w, r)
	return importer{actor: a, portfolio: a.PersonID, action: "/me/import", back: "/me/portfolio", base: s.base(r, "")}, ok
}

func (s *Server) counsellorImporter(w http.ResponseWriter, r *http.Request) (importer, bool) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	id := chi.URLParam(r, "portfolioID")
	b := "/counsellor/beneficiaries/" + id
	return importer{actor: a, portfolio: id, action: b + "/import", back: b}, ok
}

// importPage is the data of me_import.html.
type importPage struct {
	meBase
	Action, Back string
	Error        string
	Report       *importReport
	Token, Idem  string
}

type importReport struct {
	Preview                 bool
	Added, Present, Refused int
	Steps                   []importStepView
	Notes                   []formats.Note
}

type importStepView struct{ Kind, Source, Outcome, Reason string }

func (s *Server) importForm(who func(http.ResponseWriter, *http.Request) (importer, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		im, ok := who(w, r)
		if !ok {
			return
		}
		if err := s.deps.Commands.AuthorizeImport(r.Context(), im.actor, im.portfolio); err != nil {
			s.fail(w, r, err)
			return
		}
		s.showImport(w, r, http.StatusOK, "imp.title", im, importPage{})
	}
}

func (s *Server) showImport(w http.ResponseWriter, r *http.Request, status int, title string, im importer, v importPage) {
	v.meBase, v.Action, v.Back = im.base, im.action, im.back
	p := s.page(r, title)
	p.Data, p.Noindex = v, true
	render(w, r, s.log, s.tpl, status, "me_import.html", p)
}

func (s *Server) importPreview(who func(http.ResponseWriter, *http.Request) (importer, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		im, ok := who(w, r)
		if !ok {
			return
		}
		l := language(r)
		if err := s.deps.Commands.AuthorizeImport(r.Context(), im.actor, im.portfolio); err != nil {
			s.fail(w, r, err)
			return
		}
		data, format, problem := readImportForm(w, r, formats.DefaultLimits().MaxFile)
		if problem != "" {
			s.showImport(w, r, http.StatusUnprocessableEntity, "imp.title", im, importPage{Error: words.T(l, problem)})
			return
		}
		v, status, err := s.runImport(r, im, data, format, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if v.Error == "" && v.Report.Added > 0 {
			v.Token, v.Idem = s.pending().put(im.actor, data, format), newKey()
		}
		title := "imp.preview.title"
		if v.Error != "" {
			title = "imp.title"
		}
		s.showImport(w, r, status, title, im, v)
	}
}

func (s *Server) importConfirm(who func(http.ResponseWriter, *http.Request) (importer, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		im, ok := who(w, r)
		if !ok {
			return
		}
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, err)
			return
		}
		data, format, found := s.pending().take(im.actor, r.PostForm.Get("token"))
		if !found {
			s.showImport(w, r, http.StatusConflict, "imp.title", im, importPage{Error: words.T(language(r), "imp.err.expired")})
			return
		}
		v, status, err := s.runImport(r, im, data, format, false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.showImport(w, r, status, "imp.done.title", im, v)
	}
}

// runImport parses data and imports it (or previews it): a refused file
// is the page's error, a refused item a line of the report.
func (s *Server) runImport(r *http.Request, im importer, data []byte, format formats.Format, preview bool) (importPage, int, error) {
	l := language(r)
	items, err := formats.Parse(data, format, formats.DefaultLimits())
	var fe *formats.FileError
	if errors.As(err, &fe) {
		return importPage{Error: words.T(l, "imp.err.file") + " " + fe.Reason}, http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return importPage{}, 0, err
	}
	sum := sha256.Sum256(data)
	call := commands.Call{Actor: im.actor}
	if !preview {
		call.IdempotencyKey = "import-" + hex.EncodeToString(sum[:8]) + "-" + r.PostForm.Get("idem")
	}
	steps := items.Steps(im.portfolio, s.clock(), s.importStore(im.portfolio))
	rep, err := s.deps.Commands.Import(r.Context(), call, im.portfolio, hex.EncodeToString(sum[:]), steps, preview)
	if err != nil {
		return importPage{}, 0, err
	}
	if !preview {
		s.caughtUp(r.Context(), rep.Result, projections.Items{}.Name())
	}
	v := &importReport{Preview: preview, Added: rep.Added, Present: rep.Present, Refused: rep.Refused, Notes: items.Notes}
	for _, st := range rep.Steps {
		v.Steps = append(v.Steps, importStepView{Kind: words.T(l, "imp.kind."+st.Kind), Source: st.Source,
			Outcome: words.T(l, "imp.outcome."+string(st.Outcome)), Reason: st.Reason})
	}
	return importPage{Report: v}, http.StatusOK, nil
}

// readImportForm reads the form's format and file (at most limit bytes);
// problem is the catalog key of what was wrong.
func readImportForm(w http.ResponseWriter, r *http.Request, limit int64) (data []byte, format formats.Format, problem string) {
	if r.ContentLength > limit+maxForm {
		return nil, "", "imp.err.large"
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", "imp.err.nofile"
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", "imp.err.large"
		}
		switch part.FormName() {
		case "format":
			b, _ := io.ReadAll(io.LimitReader(part, 32))
			switch f := formats.Format(b); f {
			case formats.LEAP2A, formats.JSONResume, formats.Europass:
				format = f
			}
		case "file":
			data, err = io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil || int64(len(data)) > limit {
				return nil, "", "imp.err.large"
			}
		}
		part.Close()
	}
	if len(data) == 0 {
		return nil, "", "imp.err.nofile"
	}
	return data, format, ""
}

// importStore stores (or checks) a file of an import as the pages store
// uploads: typed by its bytes, only the types this site stores.
func (s *Server) importStore(portfolio string) formats.StoreFunc {
	return func(ctx context.Context, f *formats.File, store bool) (domain.FileRef, error) {
		refuse := func(reason string) (domain.FileRef, error) {
			return domain.FileRef{}, &domain.Error{Kind: domain.KindInvalid, Field: "file", Reason: f.Name + ": " + reason}
		}
		if s.deps.Files == nil {
			return refuse("files are not stored on this server")
		}
		if f.Size > s.maxUpload() {
			return refuse("too large")
		}
		rc, err := f.Open()
		if err != nil {
			return refuse(err.Error())
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, sniffLen)
		head, _ := br.Peek(sniffLen)
		mt := fileType(head)
		if mt == "" || !storedTypes[mt] {
			return refuse("its bytes are not a type this site stores (images, PDF, text, MP4, MP3; office documents through the API)")
		}
		if !store {
			zero := "0000000000000000000000000000000000000000000000000000000000000000"
			return domain.FileRef{FileID: zero, SHA256: zero, Size: f.Size, MediaType: mt}, nil
		}
		ref, err := s.deps.Files.Put(ctx, portfolio, br, s.maxUpload())
		if err != nil {
			var fe *formats.FileError
			if errors.As(err, &fe) {
				return refuse(fe.Reason)
			}
			return domain.FileRef{}, err
		}
		return domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: mt}, nil
	}
}

// pendingImports keeps previewed files until they are confirmed: at
// most 16, each for 15 minutes, each for the person who sent it.
type pendingImports struct {
	mu    sync.Mutex
	files map[string]pendingImport
}

type pendingImport struct {
	actor   domain.Actor
	data    []byte
	format  formats.Format
	expires time.Time
}

func newPendingImports() *pendingImports { return &pendingImports{files: map[string]pendingImport{}} }

func (s *Server) pending() *pendingImports { return s.imports }

func (p *pendingImports) put(a domain.Actor, data []byte, f formats.Format) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for k, v := range p.files {
		if now.After(v.expires) {
			delete(p.files, k)
		}
	}
	for len(p.files) >= 16 {
		var oldest string
		for k, v := range p.files {
			if oldest == "" || v.expires.Before(p.files[oldest].expires) {
				oldest = k
			}
		}
		delete(p.files, oldest)
	}
	token := newKey()
	p.files[token] = pendingImport{actor: a, data: data, format: f, expires: now.Add(15 * time.Minute)}
	return token
}

func (p *pendingImports) take(a domain.Actor, token string) ([]byte, formats.Format, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.files[token]
	if !ok || v.actor != a || time.Now().After(v.expires) {
		return nil, "", false
	}
	delete(p.files, token)
	return v.data, v.format, true
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// Evidence: a text, a web link, or a file (a photo taken with the phone,
// a PDF …) that illustrates a competence, an experience or a task. The
// form works as a plain multipart post; upload.js only adds a progress
// bar for large files.

// acceptFiles is what the file picker offers (the server checks the bytes).
const acceptFiles = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,video/mp4,audio/mpeg"

func evidenceForm(l Lang, targets []formOption, maxBytes int64) *form {
	kinds := options(l, "pv.evidence.", "file", "text", "link")
	f := &form{Action: "/me/evidence", Multipart: true, Submit: words.T(l, "me.add"), Fields: []formField{
		{Name: "target", Label: words.T(l, "me.f.target"), Type: "select", Required: true, Options: targets},
		{Name: "title", Label: words.T(l, "me.f.evtitle"), Hint: words.T(l, "me.h.evtitle"), Type: "text", Required: true, Max: 200},
		{Name: "kind", Label: words.T(l, "me.f.evkind"), Type: "radio", Options: kinds},
		{Name: "file", Label: words.T(l, "me.f.file"), Type: "file", Accept: acceptFiles, Either: true,
			Hint: strings.ReplaceAll(words.T(l, "me.h.file"), "{n}", strconv.FormatInt(maxBytes>>20, 10))},
		{Name: "text", Label: words.T(l, "me.f.evtext"), Hint: words.T(l, "me.h.evtext"), Type: "textarea", Max: 20000, Either: true},
		{Name: "url", Label: words.T(l, "me.f.url"), Hint: words.T(l, "me.h.url"), Type: "url", Max: 2000, Either: true},
	}}
	f.field("kind").choose("file")
	return f
}

func (s *Server) newEvidence(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l := language(r)
	var f *form
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		f = evidenceForm(l, targets(l, p), s.maxUpload())
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.field("target").choose(r.URL.Query().Get("target"))
	f.Key = newKey()
	fp := experienceBack
	if len(f.field("target").Options) == 0 {
		fp.Intro = words.T(l, "me.ev.first") // nothing to illustrate yet
	}
	s.showForm(w, r, http.StatusOK, "me.ev.new", f, fp)
}

func (s *Server) attachEvidence(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l := language(r)
	v, up, problem, err := s.evidencePost(w, r, a)
	if err != nil {
		s.discard(r.Context(), up)
		s.fail(w, r, err)
		return
	}
	var f *form
	if err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		f = evidenceForm(l, targets(l, p), s.maxUpload())
		return nil
	}); err != nil {
		s.discard(r.Context(), up)
		s.fail(w, r, err)
		return
	}
	f.fill(v)
	in := evidenceInput(v, up)
	if problem != "" && (in.Kind == domain.EvidenceOfFile || in.Kind == "") {
		s.discard(r.Context(), up)
		f.field("file").Error = words.T(l, problem)
		s.showForm(w, r, http.StatusUnprocessableEntity, "me.ev.new", f, experienceBack)
		return
	}
	if in.Kind != domain.EvidenceOfFile {
		s.discard(r.Context(), up) // a file chosen, then another kind
	}
	call := commands.Call{Actor: a}
	if k := v.Get("idem"); validKey(k) {
		call.IdempotencyKey = k
	}
	target := itemRef(v.Get("target"))
	res, err := s.deps.Commands.AttachEvidence(r.Context(), call, commands.AttachEvidence{PortfolioID: a.PersonID, Target: target, EvidenceInput: in})
	if err != nil {
		s.discard(r.Context(), up)
		s.refused(w, r, "me.ev.new", f, experienceBack, err)
		return
	}
	anchor, _, _ := strings.Cut(target.ID, "/")
	s.saved(w, r, res, "/me/portfolio?done=saved#"+anchor)
}

// evidencePost reads the evidence form: multipart (with a file) from a
// browser, or urlencoded.
func (s *Server) evidencePost(w http.ResponseWriter, r *http.Request, a domain.Actor) (url.Values, *upload, string, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return s.readUploadForm(w, r, a)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return url.Values{}, nil, readProblem(err), nil
	}
	return r.PostForm, nil, "", nil
}

// evidenceInput is what the form says the evidence shows; only the part
// of the kind chosen is sent.
func evidenceInput(v url.Values, up *upload) domain.EvidenceInput {
	in := domain.EvidenceInput{Kind: domain.EvidenceKind(v.Get("kind")), Text: domain.EvidenceText{Title: strings.TrimSpace(v.Get("title"))}}
	switch in.Kind {
	case domain.EvidenceOfText:
		in.Text.Text = strings.TrimSpace(v.Get("text"))
	case domain.EvidenceOfLink:
		in.Text.URL = strings.TrimSpace(v.Get("url"))
	case domain.EvidenceOfFile:
		if up != nil {
			file := up.File
			in.File, in.Text.FileName = &file, up.Name
			if in.Text.FileName == "" {
				in.Text.FileName = "file"
			}
		}
	}
	return in
}

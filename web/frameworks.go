package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// The framework picker of the competence form: a plain GET search form
// (q, kind) whose results link back to the form with the element chosen
// (framework, code), so it works without JavaScript; picker.js fetches
// the same results as one types.

type frameworkPicker struct {
	Action   string
	Q        string
	Kinds    []formOption
	Searched bool
	Hits     []pickView
	Chosen   *pickView
	None     bool // no framework imported: nothing to search
}

type pickView struct {
	Label, What, Code, Parent, Matched string
	Pick                               string // the form's address with this element chosen
}

// picker reads the search (q, kind) and the choice (framework, code) of
// a request to action, and looks them up.
func (s *Server) picker(ctx context.Context, l Lang, action string, v url.Values) (*frameworkPicker, error) {
	p := &frameworkPicker{Action: action, Q: strings.TrimSpace(v.Get("q"))}
	if len([]rune(p.Q)) > 200 {
		p.Q = string([]rune(p.Q)[:200])
	}
	kind := domain.FrameworkKind(v.Get("kind"))
	if !kind.Valid() {
		kind = ""
	}
	p.Kinds = append(p.Kinds, formOption{Value: "", Label: words.T(l, "fw.kind.all"), Checked: kind == ""})
	for _, k := range domain.FrameworkKinds {
		p.Kinds = append(p.Kinds, formOption{Value: string(k), Label: words.T(l, "fw.kind."+string(k)), Checked: k == kind})
	}
	cur, err := s.deps.Queries.CurrentFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	p.None = len(cur) == 0
	if ref, ok := chosenRef(v); ok {
		found, err := s.deps.Queries.FrameworkEntries(ctx, []domain.FrameworkRef{ref}, string(l))
		if err != nil {
			return nil, err
		}
		if h, ok := found[ref]; ok {
			c := pickOf(l, h, action, nil)
			p.Chosen = &c
		}
	}
	if p.Q == "" || p.None {
		return p, nil
	}
	fq := projections.FrameworkQuery{Q: p.Q, Lang: string(l), Limit: 20, Linkable: true}
	if kind != "" {
		fq.Kinds = []domain.FrameworkKind{kind}
	}
	hits, err := s.deps.Queries.FrameworkSearch(ctx, fq)
	if err != nil {
		return nil, err
	}
	p.Searched = true
	for _, h := range hits {
		p.Hits = append(p.Hits, pickOf(l, h, action, v))
	}
	return p, nil
}

func chosenRef(v url.Values) (domain.FrameworkRef, bool) {
	fw, code := strings.TrimSpace(v.Get("framework")), strings.TrimSpace(v.Get("code"))
	return domain.FrameworkRef{Framework: strings.ToUpper(fw), Code: code}, fw != "" && code != ""
}

// pickOf shows a hit; with search values, its link chooses it (and keeps
// the search, so that the list is still there).
func pickOf(l Lang, h projections.FrameworkHit, action string, search url.Values) pickView {
	pv := pickView{Label: h.Label, What: words.T(l, "fw.type."+string(h.Type)) + " " + strings.ToUpper(string(h.Kind)), Matched: h.Matched}
	if h.Framework != "ESCO" {
		pv.Code = h.Framework + " " + h.Code // an ESCO address says nothing to a reader
		if h.Framework == h.Code || h.Framework == "ROME" {
			pv.Code = h.Code
		}
	}
	pv.Parent = h.ParentLabel
	if pv.Parent == "" {
		pv.Parent = h.Parent
	}
	if search != nil {
		q := url.Values{"framework": {h.Framework}, "code": {h.Code}, "q": {search.Get("q")}}
		if k := search.Get("kind"); k != "" {
			q.Set("kind", k)
		}
		pv.Pick = action + "?" + q.Encode() + "#f-name"
	}
	return pv
}

// frameworkNames returns the labels, in l, of the framework elements the
// competences of p link to; a reference to no element imported is left
// out (the page then shows its code).
func (s *Server) frameworkNames(ctx context.Context, l Lang, p *domain.Portfolio) map[domain.FrameworkRef]string {
	var refs []domain.FrameworkRef
	for _, c := range p.Competences() {
		if c.Framework != nil {
			refs = append(refs, *c.Framework)
		}
	}
	out := map[domain.FrameworkRef]string{}
	if len(refs) == 0 || s.deps.Queries == nil {
		return out
	}
	found, err := s.deps.Queries.FrameworkEntries(ctx, refs, string(l))
	if err != nil {
		s.log.Warn("framework labels", "err", err)
		return out
	}
	for r, h := range found {
		out[r] = h.Label
	}
	return out
}

// pickerFor is the picker of a competence form shown after a request r.
func (s *Server) pickerFor(w http.ResponseWriter, r *http.Request, v url.Values) (*frameworkPicker, bool) {
	p, err := s.picker(r.Context(), language(r), "/me/competences/new", v)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

// labelCompetences shows the framework's label of the element each
// competence links to: as its name when the person gave none, and beside
// its code.
func labelCompetences(cs []compView, names map[domain.FrameworkRef]string) {
	for i, c := range cs {
		if c.ref == nil {
			continue
		}
		label, ok := names[*c.ref]
		if !ok {
			continue
		}
		if !c.named {
			cs[i].Name = label
		} else {
			cs[i].Framework = c.Framework + " — " + label
		}
	}
}

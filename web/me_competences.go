package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// Competences, and the choice of what a piece of evidence illustrates.

func competenceForm(l Lang) *form {
	return &form{Action: "/me/competences", Submit: words.T(l, "me.add"), Fields: []formField{
		{Name: "name", Label: words.T(l, "me.f.compname"), Hint: words.T(l, "me.h.compname") + " " + words.T(l, "fw.h.name"), Type: "text", Max: 200, Either: true},
		{Name: "description", Label: words.T(l, "me.f.compdesc"), Type: "textarea", Max: 10000},
		{Name: "framework", Label: words.T(l, "me.f.framework"), Hint: words.T(l, "me.h.framework"), Type: "text", Max: 64},
		{Name: "code", Label: words.T(l, "me.f.code"), Hint: words.T(l, "me.h.code"), Type: "text", Max: 200},
	}}
}

func competenceInput(v url.Values) domain.CompetenceInput {
	in := domain.CompetenceInput{Text: domain.CompetenceText{Name: strings.TrimSpace(v.Get("name")), Description: strings.TrimSpace(v.Get("description"))}}
	fw, code := strings.TrimSpace(v.Get("framework")), strings.TrimSpace(v.Get("code"))
	if fw != "" || code != "" {
		in.Framework = &domain.FrameworkRef{Framework: strings.ToUpper(fw), Code: code}
	}
	return in
}

func (s *Server) newCompetence(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := competenceForm(language(r))
	f.Key = newKey()
	fp := experienceBack
	var ok bool
	if fp.Picker, ok = s.pickerFor(w, r, r.URL.Query()); !ok {
		return
	}
	if c := fp.Picker.Chosen; c != nil {
		ref, _ := chosenRef(r.URL.Query())
		f.field("framework").Value, f.field("code").Value = ref.Framework, ref.Code
	}
	s.showForm(w, r, http.StatusOK, "me.comp.new", f, fp)
}

func (s *Server) declareCompetence(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	f := competenceForm(language(r))
	f.fill(r.PostForm)
	res, err := s.deps.Commands.DeclareCompetence(r.Context(), call, commands.DeclareCompetence{PortfolioID: a.PersonID, CompetenceInput: competenceInput(r.PostForm)})
	if err != nil {
		fp := experienceBack
		var ok bool
		if fp.Picker, ok = s.pickerFor(w, r, r.PostForm); !ok {
			return
		}
		s.refused(w, r, "me.comp.new", f, fp, err)
		return
	}
	s.saved(w, r, res, "/me/portfolio?done=saved#"+res.ID)
}

// targets lists what evidence may illustrate, as options "kind:id":
// competences, then experiences each followed by its tasks.
func targets(l Lang, p *domain.Portfolio) []formOption {
	var out []formOption
	for _, id := range sortedIDs(p.Competences()) {
		c := p.Competences()[id]
		out = append(out, formOption{Value: "competence:" + id, Label: words.T(l, "me.target.competence") + " — " + competenceName(c)})
	}
	for _, id := range experienceOrder(p) {
		x := p.Experiences()[id]
		out = append(out, formOption{Value: "experience:" + id, Label: words.T(l, "me.target.experience") + " — " + x.Personal.Title})
		for _, tid := range sortedIDs(x.Tasks) {
			if t := x.Tasks[tid]; !t.Removed {
				out = append(out, formOption{Value: "task:" + id + "/" + tid, Label: words.T(l, "me.target.task") + " — " + t.Personal.Title})
			}
		}
	}
	return out
}

// itemRef reads an option value "kind:id".
func itemRef(v string) domain.ItemRef {
	kind, id, _ := strings.Cut(v, ":")
	return domain.ItemRef{Kind: domain.ItemKind(kind), ID: id}
}

func competenceName(c *domain.Competence) string {
	if c.Personal.Name != "" {
		return c.Personal.Name
	}
	if c.Framework != nil {
		return c.Framework.Framework + " " + c.Framework.Code
	}
	return c.ID
}

// sortedIDs returns a map's keys in order, for stable pages.
func sortedIDs[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// experienceOrder lists the live experiences, the most recent first.
func experienceOrder(p *domain.Portfolio) []string {
	var ids []string
	for id, x := range p.Experiences() {
		if !x.Removed {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := p.Experiences()[ids[i]], p.Experiences()[ids[j]]
		if a.From != b.From {
			return a.From > b.From
		}
		return ids[i] < ids[j]
	})
	return ids
}

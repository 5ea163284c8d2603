package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// counsellorPages are a counsellor's: the dashboard of their caseload, a
// beneficiary's progress and items (comment, assess, validate), the
// tutors invited on them (counsellor_grants.go), and the VAE dossiers
// they follow (admissibility and jury decisions).
func (s *Server) counsellorPages(r chi.Router) {
	const b = "/counsellor/beneficiaries/{portfolioID}"
	r.Get("/counsellor", s.counsellorDashboard)
	r.Get(b, s.counsellorCase)
	r.Post(b+"/comments", s.counsellorComment)
	r.Post(b+"/assessments", s.counsellorAssess)
	r.Post(b+"/validations", s.counsellorValidate)
	r.Post(b+"/tutors", s.counsellorInvite)
	r.Post(b+"/tutors/{grantID}/revoke", s.counsellorRevoke)
	r.Get(b+"/conversation", s.counsellorTalk(s.beneficiaryTalk))
	r.Post(b+"/conversation/messages", s.counsellorPostTalk(s.beneficiaryTalk))
	r.Get("/counsellor/conversations", s.counsellorInbox)
	r.Post("/counsellor/conversations", s.counsellorStartTalk)
	r.Get("/counsellor/conversations/{conversationID}", s.counsellorTalk(s.colleagueTalk))
	r.Post("/counsellor/conversations/{conversationID}/messages", s.counsellorPostTalk(s.colleagueTalk))
	r.Get(b+"/dossiers/{dossierID}", s.counsellorDossier)
	r.Post(b+"/dossiers/{dossierID}/admissibility", s.counsellorAdmissibility)
	r.Post(b+"/dossiers/{dossierID}/decisions", s.counsellorJury)
}

// dashboardPage is the caseload as sorted and filtered.
type dashboardPage struct {
	Rows     []caseRow
	Total    int    // before filtering
	Shown    string // how many are shown, in words
	Sort     string
	Dir      string
	Inactive bool
	Overdue  bool
	Dossier  string // a dossier state, "none" (no dossier) or "" (any)
	States   []staffChoice
	Heads    map[string]sortHead
	// SortOrder lists the sortable columns, for the links that sort
	// without the table's header (hidden on a phone).
	SortOrder []string
	Done      string
	Talk      string // the link to the conversations, with what is unread
}

// caseRow is one beneficiary of the caseload.
type caseRow struct {
	projections.CaseView
	Chart activityChart
}

// sortHead is a sortable column's header: the link that sorts by it (or
// reverses the order), and its aria-sort.
type sortHead struct {
	Href     string
	AriaSort string
}

// staffChoice is an option of a select.
type staffChoice struct {
	Value, Label string
	Selected     bool
}

// sortKeys are the dashboard's orders, each with its first direction:
// names from A, the least recent activity first, the most waiting first.
var sortKeys = map[string]string{"name": "asc", "activity": "asc", "waiting": "desc"}

func (s *Server) counsellorDashboard(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleCounsellor)
	if !ok {
		return
	}
	l, now, q := language(r), s.clock().UTC(), r.URL.Query()
	d, err := s.deps.Queries.Dashboard(r.Context(), a.PersonID, now, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := dashboardPage{Total: len(d.Caseload), Sort: q.Get("sort"), Dir: q.Get("dir"), Inactive: q.Get("inactive") == "1",
		Overdue: q.Get("overdue") == "1", Dossier: q.Get("dossier"), Done: doneText(r), Talk: words.T(l, "talk.inbox.title")}
	if n := s.unread(r); n > 0 {
		pg.Talk = unreadLabel(l, pg.Talk, n)
	}
	if _, ok := sortKeys[pg.Sort]; !ok {
		pg.Sort, pg.Dir = "waiting", ""
	}
	if pg.Dir != "asc" && pg.Dir != "desc" {
		pg.Dir = sortKeys[pg.Sort]
	}
	for _, c := range d.Caseload {
		if !pg.keeps(c) {
			continue
		}
		counts, err := s.activity(r.Context(), c.PortfolioID, now)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pg.Rows = append(pg.Rows, caseRow{CaseView: c, Chart: drawActivity(l, c.PortfolioID, counts, now)})
	}
	pg.sort()
	pg.Shown = strings.NewReplacer("{n}", strconv.Itoa(len(pg.Rows)), "{total}", strconv.Itoa(pg.Total)).Replace(words.T(l, "cns.shown"))
	pg.Heads, pg.SortOrder = map[string]sortHead{}, []string{"name", "activity", "waiting"}
	for key, first := range sortKeys {
		h := sortHead{Href: pg.link(key, first), AriaSort: "none"}
		if key == pg.Sort {
			h.AriaSort = map[string]string{"asc": "ascending", "desc": "descending"}[pg.Dir]
			h.Href = pg.link(key, map[string]string{"asc": "desc", "desc": "asc"}[pg.Dir])
		}
		pg.Heads[key] = h
	}
	pg.States = []staffChoice{{Value: "", Label: words.T(l, "cns.filter.any")}, {Value: "none", Label: words.T(l, "cns.filter.nodossier")}}
	for _, st := range []domain.DossierState{domain.DossierOpened, domain.DossierAdmissibilityRequested, domain.DossierAdmissible,
		domain.DossierInadmissible, domain.DossierSubmitted, domain.DossierDecided} {
		pg.States = append(pg.States, staffChoice{Value: string(st), Label: words.T(l, "staff.dossier."+string(st))})
	}
	for i := range pg.States {
		pg.States[i].Selected = pg.States[i].Value == pg.Dossier
	}
	p := s.page(r, "cns.dashboard.title")
	p.Data = pg
	render(w, r, s.log, s.tpl, http.StatusOK, "counsellor.html", p)
}

// keeps reports whether the filters keep case c.
func (pg *dashboardPage) keeps(c projections.CaseView) bool {
	if pg.Inactive && !c.Inactive || pg.Overdue && len(c.Overdue) == 0 {
		return false
	}
	switch pg.Dossier {
	case "":
		return true
	case "none":
		return len(c.Dossiers) == 0
	}
	for _, d := range c.Dossiers {
		if string(d.State) == pg.Dossier {
			return true
		}
	}
	return false
}

// sort orders the rows; ties go by name, then by ID.
func (pg *dashboardPage) sort() {
	slices.SortStableFunc(pg.Rows, func(x, y caseRow) int {
		var c int
		switch pg.Sort {
		case "activity":
			c = x.LastActivity.Compare(y.LastActivity)
		case "waiting":
			c = cmp.Compare(len(x.Waiting), len(y.Waiting))
		}
		if pg.Dir == "desc" {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(strings.ToLower(x.Beneficiary.Name), strings.ToLower(y.Beneficiary.Name)), cmp.Compare(x.PortfolioID, y.PortfolioID))
	})
	if pg.Sort == "name" && pg.Dir == "desc" {
		slices.Reverse(pg.Rows)
	}
}

// link is the dashboard's address sorted by key in dir, with the same
// filters.
func (pg *dashboardPage) link(key, dir string) string {
	v := url.Values{"sort": {key}, "dir": {dir}}
	if pg.Inactive {
		v.Set("inactive", "1")
	}
	if pg.Overdue {
		v.Set("overdue", "1")
	}
	if pg.Dossier != "" {
		v.Set("dossier", pg.Dossier)
	}
	return "/counsellor?" + v.Encode()
}

package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// The logbook (shared with the counsellor), and goals with their
// retroplanning: milestones planned backwards from the target date, the
// late ones marked (overdue is derived, never recorded).

type journalPage struct {
	meBase
	Entries []journalRow
}

type journalRow struct{ ID, Day, Who, Text string }

func (s *Server) meJournal(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l := language(r)
	v := journalPage{meBase: s.base(r, "/me/journal")}
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		b := overviewBuilder{l: l, me: a.PersonID}
		for id, e := range p.Journal() {
			v.Entries = append(v.Entries, journalRow{ID: id, Day: string(e.Day), Who: b.who(e.Author, e.Role), Text: e.Personal.Text})
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sort.Slice(v.Entries, func(i, j int) bool {
		a, b := v.Entries[i], v.Entries[j]
		return a.Day > b.Day || a.Day == b.Day && a.ID > b.ID
	})
	for i := range v.Entries {
		v.Entries[i].Day = dayOf(l, domain.Date(v.Entries[i].Day))
	}
	pg := s.page(r, "me.journal.title")
	pg.Data, pg.Noindex = v, true
	render(w, r, s.log, s.tpl, http.StatusOK, "me_journal.html", pg)
}

func journalForm(l Lang) *form {
	return &form{Action: "/me/journal", Submit: words.T(l, "me.journal.write"), Fields: []formField{
		{Name: "text", Label: words.T(l, "me.f.entry"), Hint: words.T(l, "me.h.entry"), Type: "textarea", Required: true, Max: 10000},
		{Name: "day", Label: words.T(l, "me.f.day"), Hint: words.T(l, "me.h.day"), Type: "date"},
	}}
}

var journalBack = formPage{Back: "/me/journal"}

func (s *Server) newJournalEntry(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := journalForm(language(r))
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.journal.new", f, journalBack)
}

func (s *Server) writeJournal(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	f := journalForm(language(r))
	f.fill(r.PostForm)
	res, err := s.deps.Commands.WriteJournalEntry(r.Context(), call, commands.WriteJournalEntry{PortfolioID: a.PersonID,
		Day: domain.Date(r.PostForm.Get("day")), Text: strings.TrimSpace(r.PostForm.Get("text"))})
	if err != nil {
		s.refused(w, r, "me.journal.new", f, journalBack, err)
		return
	}
	s.saved(w, r, res, "/me/journal?done=saved")
}

type goalsPage struct {
	meBase
	Goals []goalRow
}

type goalRow struct {
	ID, Title, Meta, Description string
	Achieved                     bool
	Late                         int
	Steps                        []stepRow
}

type stepRow struct {
	ID, Title, Due, Countdown, Reached string
	Overdue                            bool
}

func (s *Server) meGoals(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	l, today := language(r), domain.DateOf(s.clock())
	v := goalsPage{meBase: s.base(r, "/me/goals")}
	err := s.readMine(r.Context(), a, func(p *domain.Portfolio) error {
		for _, id := range sortedIDs(p.Goals()) {
			v.Goals = append(v.Goals, goalOf(l, p.Goals()[id], today))
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.page(r, "me.goals.title")
	pg.Data, pg.Noindex = v, true
	render(w, r, s.log, s.tpl, http.StatusOK, "me_goals.html", pg)
}

// goalOf is a goal with its retroplanning, in due order.
func goalOf(l Lang, g *domain.Goal, today domain.Date) goalRow {
	row := goalRow{ID: g.ID, Title: g.Personal.Title, Description: g.Personal.Description, Achieved: g.Achieved, Late: len(g.Overdue(today)),
		Meta: joined(" · ", words.T(l, "pv.goal."+string(g.Kind)), words.T(l, "pv.target")+" "+dayOf(l, g.Target))}
	late := map[string]bool{}
	for _, m := range g.Overdue(today) {
		late[m.ID] = true
	}
	target, _ := g.Target.Time()
	for _, id := range sortedIDs(g.Milestones) {
		m := g.Milestones[id]
		if m.Removed {
			continue
		}
		due, _ := m.Due.Time()
		row.Steps = append(row.Steps, stepRow{ID: id, Title: m.Personal.Title, Due: string(m.Due), Reached: dayOf(l, m.Reached), Overdue: late[id],
			Countdown: "J-" + strconv.Itoa(int(target.Sub(due).Hours()/24))})
	}
	sort.SliceStable(row.Steps, func(i, j int) bool { return row.Steps[i].Due < row.Steps[j].Due })
	for i := range row.Steps {
		row.Steps[i].Due = dayOf(l, domain.Date(row.Steps[i].Due))
	}
	return row
}

func goalForm(l Lang) *form {
	return &form{Action: "/me/goals", Submit: words.T(l, "me.add"), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.goaltitle"), Hint: words.T(l, "me.h.goaltitle"), Type: "text", Required: true, Max: 200},
		{Name: "kind", Label: words.T(l, "me.f.goalkind"), Type: "select", Options: options(l, "pv.goal.", "job_search", "training", "business_creation", "other")},
		{Name: "target", Label: words.T(l, "me.f.targetdate"), Type: "date", Required: true},
		{Name: "description", Label: words.T(l, "me.f.description"), Type: "textarea", Max: 10000},
	}}
}

var goalsBack = formPage{Back: "/me/goals"}

func (s *Server) newGoal(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := goalForm(language(r))
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.goal.new", f, goalsBack)
}

func (s *Server) setGoal(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	f := goalForm(language(r))
	f.fill(r.PostForm)
	v := r.PostForm
	res, err := s.deps.Commands.SetGoal(r.Context(), call, commands.SetGoal{PortfolioID: a.PersonID, GoalInput: domain.GoalInput{
		Kind: domain.GoalKind(v.Get("kind")), Target: domain.Date(v.Get("target")),
		Text: domain.GoalText{Title: strings.TrimSpace(v.Get("title")), Description: strings.TrimSpace(v.Get("description"))}}})
	if err != nil {
		s.refused(w, r, "me.goal.new", f, goalsBack, err)
		return
	}
	s.saved(w, r, res, "/me/goals?done=saved#"+res.ID)
}

func milestoneForm(l Lang, goalID string) *form {
	return &form{Action: "/me/goals/" + goalID + "/milestones", Submit: words.T(l, "me.add"), Fields: []formField{
		{Name: "title", Label: words.T(l, "me.f.steptitle"), Hint: words.T(l, "me.h.steptitle"), Type: "text", Required: true, Max: 200},
		{Name: "days_before", Label: words.T(l, "me.f.daysbefore"), Hint: words.T(l, "me.h.daysbefore"), Type: "number", Required: true},
	}}
}

func (s *Server) newMilestone(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.beneficiary(w, r); !ok {
		return
	}
	f := milestoneForm(language(r), chi.URLParam(r, "id"))
	f.Key = newKey()
	s.showForm(w, r, http.StatusOK, "me.step.new", f, goalsBack)
}

func (s *Server) planMilestone(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	l, id := language(r), chi.URLParam(r, "id")
	f := milestoneForm(l, id)
	f.fill(r.PostForm)
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days_before")))
	if err != nil {
		f.field("days_before").Error = words.T(l, "form.number")
		s.showForm(w, r, http.StatusUnprocessableEntity, "me.step.new", f, goalsBack)
		return
	}
	res, err := s.deps.Commands.PlanMilestones(r.Context(), call, commands.PlanMilestones{PortfolioID: a.PersonID, GoalID: id,
		Milestones: []domain.PlannedMilestone{{DaysBefore: days, Text: domain.MilestoneText{Title: strings.TrimSpace(r.PostForm.Get("title"))}}}})
	if err != nil {
		s.refused(w, r, "me.step.new", f, goalsBack, err)
		return
	}
	s.saved(w, r, res, "/me/goals?done=saved#"+id)
}

func (s *Server) reachMilestone(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.mePost(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "id")
	res, err := s.deps.Commands.ReachMilestone(r.Context(), call, commands.ReachMilestone{PortfolioID: a.PersonID, GoalID: id, MilestoneID: chi.URLParam(r, "m")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.saved(w, r, res, "/me/goals?done=reached#"+id)
}

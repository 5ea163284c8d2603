package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// adminPages are a structure admin's: seats used and free, the members,
// enrolments, assignments of counsellors, invitations of tutors, grants
// to auditors, and the structure's API tokens (admin_tokens.go).
func (s *Server) adminPages(r chi.Router) {
	r.Get("/admin", s.adminHome)
	r.Post("/admin/seats", s.adminSeats)
	r.Post("/admin/members", s.adminEnrol)
	r.Post("/admin/assignments", s.adminAssign)
	r.Post("/admin/tutors", s.adminInviteTutor)
	r.Post("/admin/auditors", s.adminGrantAuditor)
	r.Get("/admin/tokens", s.adminTokens)
	r.Post("/admin/tokens", s.adminCreateToken)
	r.Post("/admin/tokens/{tokenID}/revoke", s.adminRevokeToken)
}

// adminPage is the structure as its admin manages it.
type adminPage struct {
	Overview      projections.StructureOverview
	Members       []projections.Member
	Beneficiaries []staffChoice
	Counsellors   []staffChoice
	Tutors        []staffChoice
	Auditors      []staffChoice
	Dossiers      []staffChoice // "PORTFOLIO/DOSSIER"
	Roles         []staffChoice
	Form          *staffForm
	Idem          string
	Tomorrow      string
	Done          string
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	a, ok := s.staffActor(w, r, domain.RoleStructureAdmin)
	if !ok {
		return
	}
	s.adminShow(w, r, a, http.StatusOK, nil)
}

// adminShow renders the admin's page with status and the refused form f.
func (s *Server) adminShow(w http.ResponseWriter, r *http.Request, a domain.Actor, status int, f *staffForm) {
	ctx, l := r.Context(), language(r)
	ov, found, err := s.deps.Queries.StructureOverview(ctx, a.Tenant)
	if err == nil && !found {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "structure", Reason: "no structure " + a.Tenant}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, _, err := s.deps.Queries.StructureMembers(ctx, a.Tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := adminPage{Overview: ov, Members: members, Form: f, Idem: newIdem(), Tomorrow: string(domain.DateOf(s.clock().UTC().AddDate(0, 0, 1))), Done: doneText(r)}
	var beneficiaries []string
	names := map[string]string{}
	for _, m := range members {
		names[m.ID] = m.Name
		if !m.Active {
			continue
		}
		c := staffChoice{Value: m.ID, Label: m.Name}
		switch m.Role {
		case domain.RoleBeneficiary:
			pg.Beneficiaries, beneficiaries = append(pg.Beneficiaries, c), append(beneficiaries, m.ID)
		case domain.RoleCounsellor:
			pg.Counsellors = append(pg.Counsellors, c)
		case domain.RoleTutor:
			pg.Tutors = append(pg.Tutors, c)
		case domain.RoleAuditor:
			pg.Auditors = append(pg.Auditors, c)
		}
	}
	dossiers, err := s.deps.Queries.DossiersOf(ctx, beneficiaries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, pid := range beneficiaries {
		for _, d := range dossiers[pid] {
			pg.Dossiers = append(pg.Dossiers, staffChoice{Value: pid + "/" + d.DossierID,
				Label: names[pid] + " — " + d.RNCPCode + " " + d.Title + " (" + words.T(l, "staff.dossier."+string(d.State)) + ")"})
		}
	}
	for _, role := range domain.Roles {
		pg.Roles = append(pg.Roles, staffChoice{Value: string(role), Label: words.T(l, "staff.role.name."+string(role))})
	}
	p := s.page(r, "adm.title")
	p.Path = "/admin"
	p.Data = pg
	render(w, r, s.log, s.tpl, status, "admin.html", p)
}

// adminPost runs a form of the admin's page.
func (s *Server) adminPost(w http.ResponseWriter, r *http.Request, name string, fields []string,
	run func(call commands.Call, a domain.Actor) (commands.Result, error)) {
	a, ok := s.staffActor(w, r, domain.RoleStructureAdmin)
	if !ok || !s.staffParse(w, r) {
		return
	}
	res, err := run(staffCall(a, r), a)
	if err != nil {
		s.answerRefusal(w, r, err, refuse(language(r), err, r, name, name, fields...), func(status int, f *staffForm) {
			s.adminShow(w, r, a, status, f)
		})
		return
	}
	s.staffDone(w, r, res.Position, "/admin#"+name, name)
}

func (s *Server) adminSeats(w http.ResponseWriter, r *http.Request) {
	s.adminPost(w, r, "seats", []string{"seats"}, func(call commands.Call, a domain.Actor) (commands.Result, error) {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("seats")))
		if err != nil {
			return commands.Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "seats", Reason: "must be between 1 and 1000000"}
		}
		return s.deps.Commands.ChangeSeats(r.Context(), call, commands.ChangeSeats{StructureID: a.Tenant, Seats: n})
	})
}

func (s *Server) adminEnrol(w http.ResponseWriter, r *http.Request) {
	s.adminPost(w, r, "enrol", []string{"name", "email", "role"}, func(call commands.Call, a domain.Actor) (commands.Result, error) {
		return s.deps.Commands.EnrolPerson(r.Context(), call, commands.EnrolPerson{StructureID: a.Tenant, Role: domain.Role(r.PostForm.Get("role")),
			Name: r.PostForm.Get("name"), Email: strings.TrimSpace(r.PostForm.Get("email"))})
	})
}

func (s *Server) adminAssign(w http.ResponseWriter, r *http.Request) {
	s.adminPost(w, r, "assign", []string{"portfolio", "counsellor_id"}, func(call commands.Call, a domain.Actor) (commands.Result, error) {
		pid, err := required(r, "portfolio")
		if err != nil {
			return commands.Result{}, err
		}
		return s.deps.Commands.AssignCounsellor(r.Context(), call, commands.AssignCounsellor{PortfolioID: pid, CounsellorID: r.PostForm.Get("counsellor_id")})
	})
}

func (s *Server) adminInviteTutor(w http.ResponseWriter, r *http.Request) {
	s.adminPost(w, r, "tutor", []string{"portfolio", "tutor_id", "scope", "until"}, func(call commands.Call, a domain.Actor) (commands.Result, error) {
		pid, err := required(r, "portfolio")
		if err != nil {
			return commands.Result{}, err
		}
		until, err := endOfDay(r.PostForm.Get("until"))
		if err != nil {
			return commands.Result{}, err
		}
		return s.deps.Commands.InviteTutor(r.Context(), call, commands.InviteTutor{PortfolioID: pid, TutorID: r.PostForm.Get("tutor_id"),
			AllItems: r.PostForm.Get("scope") == "all", Until: until})
	})
}

func (s *Server) adminGrantAuditor(w http.ResponseWriter, r *http.Request) {
	s.adminPost(w, r, "auditor", []string{"dossier_id", "auditor_id", "until"}, func(call commands.Call, a domain.Actor) (commands.Result, error) {
		pid, did, _ := strings.Cut(r.PostForm.Get("dossier_id"), "/")
		if pid == "" || did == "" {
			return commands.Result{}, &domain.Error{Kind: domain.KindInvalid, Field: "dossier_id", Reason: "is required"}
		}
		until, err := endOfDay(r.PostForm.Get("until"))
		if err != nil {
			return commands.Result{}, err
		}
		return s.deps.Commands.GrantAuditor(r.Context(), call, commands.GrantAuditor{PortfolioID: pid, DossierID: did,
			AuditorID: r.PostForm.Get("auditor_id"), Until: until})
	})
}

// required returns the posted field, refused (as the domain would) when
// empty.
func required(r *http.Request, field string) (string, error) {
	v := strings.TrimSpace(r.PostForm.Get(field))
	if v == "" {
		return "", &domain.Error{Kind: domain.KindInvalid, Field: field, Reason: "is required"}
	}
	return v, nil
}

// endOfDay reads an inclusive end date ("" for none): access ends when
// that day does (UTC).
func endOfDay(day string) (time.Time, error) {
	if strings.TrimSpace(day) == "" {
		return time.Time{}, nil
	}
	t, ok := domain.Date(strings.TrimSpace(day)).Time()
	if !ok {
		return time.Time{}, &domain.Error{Kind: domain.KindInvalid, Field: "until", Reason: "must be a date YYYY-MM-DD"}
	}
	return t.AddDate(0, 0, 1), nil
}

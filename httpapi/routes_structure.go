package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/commands"
)

// param returns a path parameter.
func param(r *http.Request, name string) string { return chi.URLParam(r, name) }

func (s *Server) structureRoutes() []route {
	h := s.deps.Commands
	sid := func(r *http.Request) string { return param(r, "structureID") }
	return []route{
		command(s, "POST", "/v1/structures", "registerStructure", "Register a structure (platform operator)", "structures",
			func(*http.Request, *commands.RegisterStructure) {}, h.RegisterStructure),
		command(s, "PUT", "/v1/structures/{structureID}/seats", "changeSeats", "Set the number of seats", "structures",
			func(r *http.Request, c *commands.ChangeSeats) { c.StructureID = sid(r) }, h.ChangeSeats),
		command(s, "POST", "/v1/structures/{structureID}/members", "enrolPerson", "Enrol a person in a role", "structures",
			func(r *http.Request, c *commands.EnrolPerson) { c.StructureID = sid(r) }, h.EnrolPerson),
		command(s, "DELETE", "/v1/structures/{structureID}/members/{personID}", "leaveStructure", "A person leaves the structure (their portfolio stays theirs)", "structures",
			func(r *http.Request, c *commands.LeaveStructure) {
				c.StructureID, c.PersonID = sid(r), param(r, "personID")
			}, h.LeaveStructure),
	}
}

func (s *Server) grantRoutes() []route {
	h := s.deps.Commands
	return []route{
		command(s, "POST", "/v1/portfolios/{portfolioID}/counsellors", "assignCounsellor", "Assign a counsellor to the beneficiary", "grants",
			func(r *http.Request, c *commands.AssignCounsellor) { c.PortfolioID = pid(r) }, h.AssignCounsellor),
		command(s, "DELETE", "/v1/portfolios/{portfolioID}/counsellors/{counsellorID}", "unassignCounsellor", "End a counsellor's assignment", "grants",
			func(r *http.Request, c *commands.UnassignCounsellor) {
				c.PortfolioID, c.CounsellorID = pid(r), param(r, "counsellorID")
			}, h.UnassignCounsellor),
		command(s, "POST", "/v1/portfolios/{portfolioID}/tutor-grants", "inviteTutor", "Invite a tutor on all or part of the portfolio", "grants",
			func(r *http.Request, c *commands.InviteTutor) { c.PortfolioID = pid(r) }, h.InviteTutor),
		command(s, "POST", "/v1/portfolios/{portfolioID}/auditor-grants", "grantAuditor", "Give an auditor read access to one VAE dossier until a date", "grants",
			func(r *http.Request, c *commands.GrantAuditor) { c.PortfolioID = pid(r) }, h.GrantAuditor),
		command(s, "DELETE", "/v1/portfolios/{portfolioID}/grants/{grantID}", "revokeGrant", "Revoke a tutor's or an auditor's access", "grants",
			func(r *http.Request, c *commands.RevokeGrant) { c.PortfolioID, c.GrantID = pid(r), param(r, "grantID") }, h.RevokeGrant),
	}
}

func pid(r *http.Request) string { return param(r, "portfolioID") }

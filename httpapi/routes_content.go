package httpapi

import (
	"net/http"

	"github.com/parcours/parcours/commands"
)

const pp = "/v1/portfolios/{portfolioID}"

func (s *Server) experienceRoutes() []route {
	h := s.deps.Commands
	xid := func(r *http.Request) string { return param(r, "experienceID") }
	return []route{
		command(s, "POST", pp+"/experiences", "addExperience", "Record an experience", "experiences",
			func(r *http.Request, c *commands.AddExperience) { c.PortfolioID = pid(r) }, h.AddExperience),
		command(s, "PUT", pp+"/experiences/{experienceID}", "editExperience", "Replace every field of an experience", "experiences",
			func(r *http.Request, c *commands.EditExperience) { c.PortfolioID, c.ExperienceID = pid(r), xid(r) }, h.EditExperience),
		command(s, "DELETE", pp+"/experiences/{experienceID}", "removeExperience", "Hide an experience (its history stays)", "experiences",
			func(r *http.Request, c *commands.RemoveExperience) { c.PortfolioID, c.ExperienceID = pid(r), xid(r) }, h.RemoveExperience),
		command(s, "POST", pp+"/experiences/{experienceID}/tasks", "addTask", "Record a task carried out", "experiences",
			func(r *http.Request, c *commands.AddTask) { c.PortfolioID, c.ExperienceID = pid(r), xid(r) }, h.AddTask),
		command(s, "PUT", pp+"/experiences/{experienceID}/tasks/{taskID}", "editTask", "Replace a task's text", "experiences",
			func(r *http.Request, c *commands.EditTask) {
				c.PortfolioID, c.ExperienceID, c.TaskID = pid(r), xid(r), param(r, "taskID")
			}, h.EditTask),
		command(s, "DELETE", pp+"/experiences/{experienceID}/tasks/{taskID}", "removeTask", "Hide a task", "experiences",
			func(r *http.Request, c *commands.RemoveTask) {
				c.PortfolioID, c.ExperienceID, c.TaskID = pid(r), xid(r), param(r, "taskID")
			}, h.RemoveTask),
	}
}

func (s *Server) competenceRoutes() []route {
	h := s.deps.Commands
	cid := func(r *http.Request) string { return param(r, "competenceID") }
	return []route{
		command(s, "POST", pp+"/competences", "declareCompetence", "Declare a competence (free text or a framework element)", "competences",
			func(r *http.Request, c *commands.DeclareCompetence) { c.PortfolioID = pid(r) }, h.DeclareCompetence),
		command(s, "POST", pp+"/competences/{competenceID}/links", "linkCompetence", "Link a competence to experiences and tasks", "competences",
			func(r *http.Request, c *commands.LinkCompetence) { c.PortfolioID, c.CompetenceID = pid(r), cid(r) }, h.LinkCompetence),
		command(s, "POST", pp+"/competences/{competenceID}/unlinks", "unlinkCompetence", "Remove links of a competence", "competences",
			func(r *http.Request, c *commands.UnlinkCompetence) { c.PortfolioID, c.CompetenceID = pid(r), cid(r) }, h.UnlinkCompetence),
		command(s, "PUT", pp+"/competences/{competenceID}/self-assessment", "selfAssessCompetence", "Self-assess a level (1 to 4)", "competences",
			func(r *http.Request, c *commands.SelfAssessCompetence) {
				c.PortfolioID, c.CompetenceID = pid(r), cid(r)
			}, h.SelfAssessCompetence),
		command(s, "POST", pp+"/competences/{competenceID}/assessments", "assessCompetence", "Assess a competence (counsellor, tutor in scope)", "competences",
			func(r *http.Request, c *commands.AssessCompetence) { c.PortfolioID, c.CompetenceID = pid(r), cid(r) }, h.AssessCompetence),
		command(s, "POST", pp+"/competences/{competenceID}/validation", "validateCompetence", "Record the validation of a competence", "competences",
			func(r *http.Request, c *commands.ValidateCompetence) { c.PortfolioID, c.CompetenceID = pid(r), cid(r) }, h.ValidateCompetence),
	}
}

func (s *Server) evidenceRoutes() []route {
	h := s.deps.Commands
	eid := func(r *http.Request) string { return param(r, "evidenceID") }
	return []route{
		command(s, "POST", pp+"/evidence", "attachEvidence", "Attach evidence (text, link or uploaded file) to a competence, experience or task", "evidence",
			func(r *http.Request, c *commands.AttachEvidence) { c.PortfolioID = pid(r) }, h.AttachEvidence),
		command(s, "PUT", pp+"/evidence/{evidenceID}", "reviseEvidence", "Replace what an evidence shows", "evidence",
			func(r *http.Request, c *commands.ReviseEvidence) { c.PortfolioID, c.EvidenceID = pid(r), eid(r) }, h.ReviseEvidence),
		command(s, "DELETE", pp+"/evidence/{evidenceID}", "withdrawEvidence", "Withdraw evidence (not while in a submitted dossier)", "evidence",
			func(r *http.Request, c *commands.WithdrawEvidence) { c.PortfolioID, c.EvidenceID = pid(r), eid(r) }, h.WithdrawEvidence),
		command(s, "POST", pp+"/evidence/{evidenceID}/supersede", "supersedeEvidence", "Replace evidence by a new one (the old one stays)", "evidence",
			func(r *http.Request, c *commands.SupersedeEvidence) { c.PortfolioID, c.EvidenceID = pid(r), eid(r) }, h.SupersedeEvidence),
		command(s, "POST", pp+"/comments", "addComment", "Comment on an item", "feedback",
			func(r *http.Request, c *commands.AddComment) { c.PortfolioID = pid(r) }, h.AddComment),
		command(s, "POST", pp+"/attestations", "attest", "Attest evidence or a task (tutor in scope)", "feedback",
			func(r *http.Request, c *commands.Attest) { c.PortfolioID = pid(r) }, h.Attest),
	}
}

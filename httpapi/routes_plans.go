package httpapi

import (
	"net/http"

	"github.com/parcours/parcours/commands"
)

func (s *Server) planRoutes() []route {
	h := s.deps.Commands
	gid := func(r *http.Request) string { return param(r, "goalID") }
	mid := func(r *http.Request) string { return param(r, "milestoneID") }
	return []route{
		command(s, "POST", pp+"/goals", "setGoal", "Set a goal with a target date", "goals",
			func(r *http.Request, c *commands.SetGoal) { c.PortfolioID = pid(r) }, h.SetGoal),
		command(s, "POST", pp+"/goals/{goalID}/retroplanning", "planMilestones", "Plan milestones backwards from the goal's target date", "goals",
			func(r *http.Request, c *commands.PlanMilestones) { c.PortfolioID, c.GoalID = pid(r), gid(r) }, h.PlanMilestones),
		command(s, "POST", pp+"/goals/{goalID}/milestones", "addMilestone", "Add a milestone", "goals",
			func(r *http.Request, c *commands.AddMilestone) { c.PortfolioID, c.GoalID = pid(r), gid(r) }, h.AddMilestone),
		command(s, "PUT", pp+"/goals/{goalID}/milestones/{milestoneID}", "moveMilestone", "Move a milestone", "goals",
			func(r *http.Request, c *commands.MoveMilestone) {
				c.PortfolioID, c.GoalID, c.MilestoneID = pid(r), gid(r), mid(r)
			}, h.MoveMilestone),
		command(s, "POST", pp+"/goals/{goalID}/milestones/{milestoneID}/reached", "reachMilestone", "Mark a milestone reached", "goals",
			func(r *http.Request, c *commands.ReachMilestone) {
				c.PortfolioID, c.GoalID, c.MilestoneID = pid(r), gid(r), mid(r)
			}, h.ReachMilestone),
		command(s, "DELETE", pp+"/goals/{goalID}/milestones/{milestoneID}", "removeMilestone", "Remove a milestone", "goals",
			func(r *http.Request, c *commands.RemoveMilestone) {
				c.PortfolioID, c.GoalID, c.MilestoneID = pid(r), gid(r), mid(r)
			}, h.RemoveMilestone),
		command(s, "POST", pp+"/goals/{goalID}/achieved", "achieveGoal", "Mark a goal achieved", "goals",
			func(r *http.Request, c *commands.AchieveGoal) { c.PortfolioID, c.GoalID = pid(r), gid(r) }, h.AchieveGoal),
		command(s, "POST", pp+"/journal", "writeJournalEntry", "Write in the logbook", "journal",
			func(r *http.Request, c *commands.WriteJournalEntry) { c.PortfolioID = pid(r) }, h.WriteJournalEntry),
	}
}

func (s *Server) folderRoutes() []route {
	h := s.deps.Commands
	did := func(r *http.Request) string { return param(r, "documentID") }
	cv := func(r *http.Request) string { return param(r, "cvID") }
	return []route{
		command(s, "POST", pp+"/documents", "addDocument", "Add a document to the administrative folder", "documents",
			func(r *http.Request, c *commands.AddDocument) { c.PortfolioID = pid(r) }, h.AddDocument),
		command(s, "POST", pp+"/documents/{documentID}/sharing", "shareDocument", "Share a document with the assigned counsellors", "documents",
			func(r *http.Request, c *commands.ShareDocument) { c.PortfolioID, c.DocumentID = pid(r), did(r) }, h.ShareDocument),
		command(s, "DELETE", pp+"/documents/{documentID}/sharing", "unshareDocument", "Make a document private again", "documents",
			func(r *http.Request, c *commands.UnshareDocument) { c.PortfolioID, c.DocumentID = pid(r), did(r) }, h.UnshareDocument),
		command(s, "DELETE", pp+"/documents/{documentID}", "removeDocument", "Remove a document", "documents",
			func(r *http.Request, c *commands.RemoveDocument) { c.PortfolioID, c.DocumentID = pid(r), did(r) }, h.RemoveDocument),
		command(s, "POST", pp+"/cvs", "createCV", "Create a CV: a titled selection for a target job", "cvs",
			func(r *http.Request, c *commands.CreateCV) { c.PortfolioID = pid(r) }, h.CreateCV),
		command(s, "PUT", pp+"/cvs/{cvID}", "editCV", "Replace a CV's selection and text", "cvs",
			func(r *http.Request, c *commands.EditCV) { c.PortfolioID, c.CVID = pid(r), cv(r) }, h.EditCV),
		command(s, "DELETE", pp+"/cvs/{cvID}", "removeCV", "Remove a CV", "cvs",
			func(r *http.Request, c *commands.RemoveCV) { c.PortfolioID, c.CVID = pid(r), cv(r) }, h.RemoveCV),
	}
}

func (s *Server) pageRoutes() []route {
	h := s.deps.Commands
	pg := func(r *http.Request) string { return param(r, "pageID") }
	return []route{
		command(s, "POST", pp+"/pages", "createPage", "Create a page: a selection of items to publish", "pages",
			func(r *http.Request, c *commands.CreatePage) { c.PortfolioID = pid(r) }, h.CreatePage),
		command(s, "PUT", pp+"/pages/{pageID}", "editPage", "Replace a page's selection and text", "pages",
			func(r *http.Request, c *commands.EditPage) { c.PortfolioID, c.PageID = pid(r), pg(r) }, h.EditPage),
		command(s, "DELETE", pp+"/pages/{pageID}", "removePage", "Remove a page", "pages",
			func(r *http.Request, c *commands.RemovePage) { c.PortfolioID, c.PageID = pid(r), pg(r) }, h.RemovePage),
		command(s, "POST", pp+"/pages/{pageID}/links", "publishPage", "Publish a page with a share link (the token is shown once, in secret)", "pages",
			func(r *http.Request, c *commands.PublishPage) { c.PortfolioID, c.PageID = pid(r), pg(r) }, h.PublishPage),
		command(s, "DELETE", pp+"/pages/{pageID}/links/{linkID}", "revokeShareLink", "Revoke a share link", "pages",
			func(r *http.Request, c *commands.RevokeShareLink) {
				c.PortfolioID, c.PageID, c.LinkID = pid(r), pg(r), param(r, "linkID")
			}, h.RevokeShareLink),
	}
}

func (s *Server) dossierRoutes() []route {
	h := s.deps.Commands
	d := func(r *http.Request) string { return param(r, "dossierID") }
	return []route{
		command(s, "POST", pp+"/dossiers", "openDossier", "Open a VAE dossier for an RNCP certification", "dossiers",
			func(r *http.Request, c *commands.OpenDossier) { c.PortfolioID = pid(r) }, h.OpenDossier),
		command(s, "POST", pp+"/dossiers/{dossierID}/admissibility-request", "requestAdmissibility", "Request admissibility (livret 1)", "dossiers",
			func(r *http.Request, c *commands.RequestAdmissibility) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.RequestAdmissibility),
		command(s, "POST", pp+"/dossiers/{dossierID}/admissibility", "recordAdmissibility", "Record the certifier's admissibility decision", "dossiers",
			func(r *http.Request, c *commands.RecordAdmissibility) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.RecordAdmissibility),
		command(s, "POST", pp+"/dossiers/{dossierID}/mappings", "mapToBlock", "Map an experience or evidence to a block", "dossiers",
			func(r *http.Request, c *commands.MapToBlock) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.MapToBlock),
		command(s, "POST", pp+"/dossiers/{dossierID}/unmappings", "unmapFromBlock", "Remove a mapping (before submission)", "dossiers",
			func(r *http.Request, c *commands.UnmapFromBlock) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.UnmapFromBlock),
		command(s, "POST", pp+"/dossiers/{dossierID}/submission", "submitDossier", "Submit the dossier (its state is then provable)", "dossiers",
			func(r *http.Request, c *commands.SubmitDossier) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.SubmitDossier),
		command(s, "POST", pp+"/dossiers/{dossierID}/jury-decisions", "recordJuryDecision", "Record the jury's decision on a block", "dossiers",
			func(r *http.Request, c *commands.RecordJuryDecision) { c.PortfolioID, c.DossierID = pid(r), d(r) }, h.RecordJuryDecision),
	}
}

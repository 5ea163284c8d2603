package httpapi

import "slices"

// routes is the route table: every route of the service, in one list.
func (s *Server) routes() []route {
	return slices.Concat(s.opsRoutes(), s.docRoutes(),
		s.structureRoutes(), s.grantRoutes(), s.experienceRoutes(), s.competenceRoutes(), s.evidenceRoutes(),
		s.planRoutes(), s.folderRoutes(), s.pageRoutes(), s.dossierRoutes(), s.readRoutes(), s.readModelRoutes(), s.exportRoutes(), s.bundleRoutes(),
		s.authRoutes(),
		s.conversationRoutes(), s.badgeRoutes(), s.notificationRoutes(), s.importRoutes(), s.fileRoutes(), s.eventRoutes(), s.peopleRoutes(), s.metricsRoutes(),
		s.frameworkRoutes(),
	)
}

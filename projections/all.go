package projections

// All returns every read model of Parcours.
func All() []Projection {
	return []Projection{Audit{}, Overview{}, Items{}, CVs{}, Dashboards{}, RecruiterPages{}, Timelines{}, VAEDossiers{}, Conversations{}, Notifications{},
		Frameworks{}}
}

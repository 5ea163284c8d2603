package domain

// TODO(domain): competence events, decisions and their application.

var competenceEvents = []EventSpec{}

package domain

// TODO(domain): evidence events, decisions and their application.

var evidenceEvents = []EventSpec{}

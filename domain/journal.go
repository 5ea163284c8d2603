package domain

// TODO(domain): journal events, decisions and their application.

var journalEvents = []EventSpec{}

package domain

// TODO(domain): document events, decisions and their application.

var documentEvents = []EventSpec{}

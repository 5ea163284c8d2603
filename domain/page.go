package domain

// TODO(domain): page events, decisions and their application.

var pageEvents = []EventSpec{}

package domain

// TODO(domain): cv events, decisions and their application.

var cvEvents = []EventSpec{}

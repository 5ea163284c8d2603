package domain

// TODO(domain): goal events, decisions and their application.

var goalEvents = []EventSpec{}

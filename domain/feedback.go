package domain

// TODO(domain): feedback events, decisions and their application.

var feedbackEvents = []EventSpec{}

package domain

// PersonErased records that a person's keys (and files) were destroyed:
// everything sealed for them now reads as erased. It holds no personal
// data. Its stream is "person-<id>".
type PersonErased struct {
	Subject        string `json:"subject"`
	FilesDestroyed int    `json:"files_destroyed"`
}

func (PersonErased) EventType() string { return "PersonErased" }

var erasureEvents = []EventSpec{
	{Type: "PersonErased", Version: 1, New: func() Event { return &PersonErased{} }},
}

// PersonStream names the stream of a person's erasure record.
func PersonStream(id string) string { return "person-" + id }

package domain

// Framework events. An import is one append: its entries, in parts small
// enough for one event each, then FrameworkImported, which makes the
// version current. Entries are reference data published as open data: no
// personal part.
type (
	FrameworkEntriesRecorded struct {
		Kind    FrameworkKind    `json:"kind"`
		Version int              `json:"version"`
		Part    int              `json:"part"`
		Entries []FrameworkEntry `json:"entries"`
	}
	FrameworkImported struct {
		Kind FrameworkKind `json:"kind"`
		FrameworkVersion
		Parts int `json:"parts"`
	}
)

func (FrameworkEntriesRecorded) EventType() string { return "FrameworkEntriesRecorded" }
func (FrameworkImported) EventType() string        { return "FrameworkImported" }

var frameworkEvents = []EventSpec{
	{Type: "FrameworkEntriesRecorded", Version: 1, New: func() Event { return &FrameworkEntriesRecorded{} }},
	{Type: "FrameworkImported", Version: 1, New: func() Event { return &FrameworkImported{} }},
}

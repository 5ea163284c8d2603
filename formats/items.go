package formats

import (
	"io"

	"github.com/parcours/parcours/domain"
)

// Format names a file format.
type Format string

const (
	LEAP2A     Format = "leap2a"
	JSONResume Format = "jsonresume"
	Europass   Format = "europass"
)

// Items is what an import file holds, in Parcours' terms. Every item has
// a Key naming where it came from in the file (an entry's ID, or its
// section and position), unique within the file.
type Items struct {
	Format      Format
	Experiences []Experience
	Competences []Competence
	Evidence    []Evidence
	Goals       []Goal
	// Notes say what was not understood or not imported, and why.
	Notes []Note
}

// Experience is an experience with its tasks.
type Experience struct {
	Key   string
	Input domain.ExperienceInput
	Tasks []domain.TaskText
}

// Competence is a competence; Experiences are the keys of the
// experiences it is linked to.
type Competence struct {
	Key         string
	Input       domain.CompetenceInput
	Experiences []string
}

// Evidence is a text, a link or a file. Target is the key of the
// experience or competence it illustrates; "" puts it on the import's own
// experience (Items.Steps adds one when it is needed).
type Evidence struct {
	Key    string
	Target string
	Input  domain.EvidenceInput
	// File is the file of a file evidence (Input.File is set when it is
	// stored).
	File *File
}

// File is a file inside an import (a LEAP2A zip's entry).
type File struct {
	Name string
	// Type is the media type the file says it has (the store sniffs its
	// own from the bytes).
	Type string
	Size int64
	open func() (io.ReadCloser, error)
}

// Open reads the file; it stops with an error past the size its zip entry
// declared.
func (f *File) Open() (io.ReadCloser, error) { return f.open() }

// Goal is a goal; a goal without a target date in the file gets one a
// year after the import, and a Note says so.
type Goal struct {
	Key   string
	Input domain.GoalInput
}

// Note is one thing not understood or not imported: where in the file
// (an entry's ID or title, a section), and why.
type Note struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

func (it *Items) note(where, format string, args ...any) {
	it.Notes = append(it.Notes, Note{Where: where, Reason: sprintf(format, args...)})
}

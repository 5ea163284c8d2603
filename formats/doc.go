// Package formats reads and writes the files a portfolio travels in
// between systems: the Europass CV (the XML of the 2020 Europass editor,
// HR-XML 3 based), LEAP2A (the Atom feed, zipped with its files, that
// Mahara and Moodle export) and JSON Resume.
//
// Exports are built from a resume.Document (what the CV or the portfolio
// shows, the email in it only for its owner) and, for LEAP2A, from the
// portfolio's evidence with its files.
//
// Imports read a file into Items: experiences, competences, evidence
// (with the files of a LEAP2A zip) and goals in Parcours' terms, each
// keyed by where it came from in the file, and the Notes of what was not
// understood. Items.Steps turns them into ordinary commands whose IDs are
// derived from the portfolio and those keys, so importing the same file
// twice adds nothing. Reading is bounded (Limits): a zip bomb, an XML
// document declaring entities, a huge JSON document or a file that is not
// what it claims get a clear *domain.Error, before anything is changed.
package formats

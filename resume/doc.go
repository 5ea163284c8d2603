// Package resume turns a CV, or a whole portfolio, into the documents a
// person takes elsewhere: a JSON Resume document (schema v1.0.0,
// https://jsonresume.org/schema) and a PDF CV.
//
// The documents are built from the read models (projections.CVView,
// projections.PortfolioItems): what they show is what the CV page shows.
// The person's email is personal data beyond the name the CV already
// shows; a caller passes it in Options only when the reader is the person
// themself. The PDF embeds its fonts (DejaVu Sans, see fonts/LICENSE), so
// accented text draws the same everywhere.
package resume

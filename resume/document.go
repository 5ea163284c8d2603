package resume

// SchemaURL names the JSON Resume schema the documents follow; it is the
// document's "$schema".
const SchemaURL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"

// Document is a JSON Resume document (schema v1.0.0). Empty sections are
// left out; dates are ISO 8601 (YYYY-MM-DD, YYYY-MM or YYYY).
type Document struct {
	Schema    string      `json:"$schema"`
	Basics    Basics      `json:"basics"`
	Work      []Work      `json:"work,omitempty"`
	Volunteer []Volunteer `json:"volunteer,omitempty"`
	Education []Education `json:"education,omitempty"`
	Skills    []Skill     `json:"skills,omitempty"`
	Projects  []Project   `json:"projects,omitempty"`
	Meta      Meta        `json:"meta"`
}

// Basics is who the résumé is about.
type Basics struct {
	Name    string `json:"name,omitempty"`
	Label   string `json:"label,omitempty"`
	Email   string `json:"email,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// Work is a professional experience.
type Work struct {
	Name       string   `json:"name,omitempty"`
	Location   string   `json:"location,omitempty"`
	Position   string   `json:"position,omitempty"`
	StartDate  string   `json:"startDate,omitempty"`
	EndDate    string   `json:"endDate,omitempty"`
	Summary    string   `json:"summary,omitempty"`
	Highlights []string `json:"highlights,omitempty"`
}

// Volunteer is a volunteering experience.
type Volunteer struct {
	Organization string   `json:"organization,omitempty"`
	Position     string   `json:"position,omitempty"`
	StartDate    string   `json:"startDate,omitempty"`
	EndDate      string   `json:"endDate,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	Highlights   []string `json:"highlights,omitempty"`
}

// Education is a training.
type Education struct {
	Institution string   `json:"institution,omitempty"`
	Area        string   `json:"area,omitempty"`
	StartDate   string   `json:"startDate,omitempty"`
	EndDate     string   `json:"endDate,omitempty"`
	Courses     []string `json:"courses,omitempty"`
}

// Skill is a competence; Keywords hold its framework reference.
type Skill struct {
	Name     string   `json:"name"`
	Level    string   `json:"level,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
}

// Project is a personal or leisure experience.
type Project struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Highlights  []string `json:"highlights,omitempty"`
	StartDate   string   `json:"startDate,omitempty"`
	EndDate     string   `json:"endDate,omitempty"`
	Entity      string   `json:"entity,omitempty"`
	Type        string   `json:"type,omitempty"`
}

// Meta says where the document comes from.
type Meta struct {
	Canonical    string `json:"canonical,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

package resume

import "github.com/parcours/parcours/domain"

// Lang is the language of the words a document adds: skill levels, the
// PDF's headings. The person's own text stays as they wrote it.
type Lang string

const (
	French  Lang = "fr"
	English Lang = "en"
)

// ParseLang reads "fr" or "en"; anything else is French, the default.
func ParseLang(s string) Lang {
	if s == string(English) {
		return English
	}
	return French
}

// words are French then English.
var words = map[string][2]string{
	"declared":      {"déclarée", "declared"},
	"evidenced":     {"étayée par des preuves", "backed by evidence"},
	"assessed":      {"évaluée", "assessed"},
	"validated":     {"validée", "validated"},
	"self":          {"auto-évaluation %d/4", "self-assessed %d/4"},
	"work":          {"Expériences professionnelles", "Work experience"},
	"volunteer":     {"Bénévolat", "Volunteering"},
	"education":     {"Formation", "Education"},
	"skills":        {"Compétences", "Skills"},
	"projects":      {"Projets et activités", "Projects and activities"},
	"since":         {"depuis %s", "since %s"},
	"personal":      {"personnel", "personal"},
	"leisure":       {"loisirs", "leisure"},
	"generated":     {"CV tiré de Parcours", "CV from Parcours"},
	"page":          {"Page %d/%s", "Page %d of %s"},
	"doc.cv":        {"CV", "CV"},
	"doc.portfolio": {"Portfolio", "Portfolio"},
}

func (l Lang) word(key string) string {
	w := words[key]
	if l == English {
		return w[1]
	}
	return w[0]
}

func (l Lang) state(s domain.CompetenceState) string {
	if _, ok := words[string(s)]; ok {
		return l.word(string(s))
	}
	return string(s)
}

package web

// frameworkWords are the words of the framework picker on the competence
// form, and of the framework labels shown beside competences.
var frameworkWords = catalog{
	"fw.title":              {"Chercher dans les référentiels", "Search the frameworks"},
	"fw.intro":              {"Reliez votre compétence à un bloc de certification (RNCP), un métier ou une compétence du ROME, ou une compétence ESCO : tapez quelques mots, avec ou sans accents.", "Link your skill to a certification block (RNCP), a ROME occupation or competence, or an ESCO skill: type a few words, with or without accents."},
	"fw.q":                  {"Mots ou code", "Words or code"},
	"fw.q.hint":             {"Par exemple : accueil, educateur, K1201, RNCP37274.", "For instance: welcome, career guidance, K1201, RNCP37274."},
	"fw.kind":               {"Référentiel", "Framework"},
	"fw.kind.all":           {"Tous", "All"},
	"fw.kind.rncp":          {"RNCP (certifications)", "RNCP (certifications)"},
	"fw.kind.rome":          {"ROME (métiers)", "ROME (occupations)"},
	"fw.kind.esco":          {"ESCO (compétences européennes)", "ESCO (European skills)"},
	"fw.search":             {"Chercher", "Search"},
	"fw.results":            {"Résultats", "Results"},
	"fw.none":               {"Aucun élément ne correspond. Essayez un autre mot, ou décrivez la compétence avec vos mots ci-dessous.", "Nothing matches. Try another word, or describe the skill in your own words below."},
	"fw.empty":              {"Aucun référentiel n'est encore importé sur ce service : décrivez la compétence avec vos mots.", "No framework has been imported on this service yet: describe the skill in your own words."},
	"fw.pick":               {"Choisir", "Choose"},
	"fw.chosen":             {"Élément choisi :", "Chosen:"},
	"fw.in":                 {"dans", "in"},
	"fw.also":               {"aussi appelé", "also called"},
	"fw.type.certification": {"certification", "certification"},
	"fw.type.block":         {"bloc de compétences", "competence block"},
	"fw.type.competence":    {"compétence", "competence"},
	"fw.type.occupation":    {"métier", "occupation"},
	"fw.type.appellation":   {"appellation", "job title"},
	"fw.type.skill":         {"compétence", "skill"},
	"fw.h.name":             {"Laissez vide pour reprendre le libellé du référentiel choisi.", "Leave empty to use the label of the framework element chosen."},
}

package projections

import (
	"strings"

	"github.com/parcours/parcours/domain"
)

// timelineLabels puts each kind of timeline entry in words, French then
// English. Placeholders: {title} (what the entry is about), {person}
// (whom an assignment or a grant is about), and clear values: {level},
// {result}, {due}, {day}, {block}, {decision}.
var timelineLabels = map[string][2]string{
	"PortfolioOpened":                   {"Portfolio ouvert", "Portfolio opened"},
	"CounsellorAssigned":                {"Accompagnement confié à {person}", "Counsellor assigned: {person}"},
	"CounsellorUnassigned":              {"Fin de l'accompagnement par {person}", "Counsellor unassigned: {person}"},
	"TutorInvited":                      {"Tuteur invité : {person}", "Tutor invited: {person}"},
	"AuditorGranted":                    {"Accès du certificateur {person} au dossier {title}", "Auditor {person} granted access to dossier {title}"},
	"GrantRevoked":                      {"Accès retiré à {person}", "Access revoked: {person}"},
	"ExperienceAdded":                   {"Expérience ajoutée : {title}", "Experience added: {title}"},
	"ExperienceEdited":                  {"Expérience modifiée : {title}", "Experience edited: {title}"},
	"ExperienceRemoved":                 {"Expérience retirée : {title}", "Experience removed: {title}"},
	"TaskAdded":                         {"Tâche ajoutée : {title}", "Task added: {title}"},
	"TaskEdited":                        {"Tâche modifiée : {title}", "Task edited: {title}"},
	"TaskRemoved":                       {"Tâche retirée : {title}", "Task removed: {title}"},
	"CompetenceAdded":                   {"Compétence déclarée : {title}", "Competence declared: {title}"},
	"CompetenceLinked":                  {"Compétence reliée à des expériences : {title}", "Competence linked to experiences: {title}"},
	"CompetenceUnlinked":                {"Compétence détachée d'expériences : {title}", "Competence unlinked from experiences: {title}"},
	"CompetenceSelfAssessed":            {"Auto-évaluation ({level}/4) : {title}", "Self-assessment ({level}/4): {title}"},
	"CompetenceAssessmentRecorded":      {"Compétence évaluée ({result}) : {title}", "Competence assessed ({result}): {title}"},
	"CompetenceValidationRecorded":      {"Compétence validée : {title}", "Competence validated: {title}"},
	"EvidenceAttached":                  {"Preuve ajoutée : {title}", "Evidence added: {title}"},
	"EvidenceRevised":                   {"Preuve révisée : {title}", "Evidence revised: {title}"},
	"EvidenceWithdrawn":                 {"Preuve retirée : {title}", "Evidence withdrawn: {title}"},
	"EvidenceSuperseded":                {"Preuve remplacée : {title}", "Evidence replaced: {title}"},
	"CommentAdded":                      {"Commentaire sur : {title}", "Comment on: {title}"},
	"AttestationRecorded":               {"Attestation du tuteur : {title}", "Tutor's attestation: {title}"},
	"GoalSet":                           {"Objectif fixé : {title}", "Goal set: {title}"},
	"MilestoneAdded":                    {"Étape prévue pour le {due} : {title}", "Milestone due {due}: {title}"},
	"MilestoneMoved":                    {"Étape reportée au {due} : {title}", "Milestone moved to {due}: {title}"},
	"MilestoneReached":                  {"Étape franchie le {day} : {title}", "Milestone reached on {day}: {title}"},
	"MilestoneRemoved":                  {"Étape retirée : {title}", "Milestone removed: {title}"},
	"GoalAchieved":                      {"Objectif atteint le {day} : {title}", "Goal achieved on {day}: {title}"},
	"JournalEntryWritten":               {"Carnet de bord, {day} : {title}", "Logbook, {day}: {title}"},
	"DocumentAdded":                     {"Document ajouté : {title}", "Document added: {title}"},
	"DocumentShared":                    {"Document partagé avec les conseillers : {title}", "Document shared with counsellors: {title}"},
	"DocumentUnshared":                  {"Document rendu privé : {title}", "Document made private: {title}"},
	"DocumentRemoved":                   {"Document retiré : {title}", "Document removed: {title}"},
	"CVCreated":                         {"CV créé : {title}", "CV created: {title}"},
	"CVEdited":                          {"CV modifié : {title}", "CV edited: {title}"},
	"CVRemoved":                         {"CV supprimé : {title}", "CV removed: {title}"},
	"PageCreated":                       {"Page créée : {title}", "Page created: {title}"},
	"PageEdited":                        {"Page modifiée : {title}", "Page edited: {title}"},
	"PageRemoved":                       {"Page supprimée : {title}", "Page removed: {title}"},
	"PagePublished":                     {"Page publiée : {title}", "Page published: {title}"},
	"ShareLinkRevoked":                  {"Lien de partage révoqué : {title}", "Share link revoked: {title}"},
	"VAEDossierOpened":                  {"Dossier VAE ouvert : {title}", "VAE dossier opened: {title}"},
	"AdmissibilityRequested":            {"Demande de recevabilité envoyée : {title}", "Admissibility requested: {title}"},
	"AdmissibilityDecided.admissible":   {"Dossier recevable (décision du {day}) : {title}", "Dossier admissible (decided {day}): {title}"},
	"AdmissibilityDecided.inadmissible": {"Dossier non recevable (décision du {day}) : {title}", "Dossier not admissible (decided {day}): {title}"},
	"DossierItemMapped":                 {"Élément rattaché au bloc {block} : {title}", "Item mapped to block {block}: {title}"},
	"DossierItemUnmapped":               {"Élément détaché du bloc {block} : {title}", "Item unmapped from block {block}: {title}"},
	"VAEDossierSubmitted":               {"Dossier VAE déposé : {title}", "VAE dossier submitted: {title}"},
	"JuryDecisionRecorded":              {"Décision du jury, bloc {block} ({decision}) : {title}", "Jury decision, block {block} ({decision}): {title}"},
	"VAEDossierDecided":                 {"Décision du jury rendue : {title}", "Jury decision complete: {title}"},
}

// timelineValues puts clear values in words, by "PLACEHOLDER:VALUE".
var timelineValues = map[string][2]string{
	"result:" + string(domain.ResultNotYet):        {"pas encore", "not yet"},
	"result:" + string(domain.ResultPartly):        {"en partie", "partly"},
	"result:" + string(domain.ResultAcquired):      {"acquise", "acquired"},
	"decision:" + string(domain.BlockValidated):    {"validé", "validated"},
	"decision:" + string(domain.BlockPartly):       {"validé en partie", "partly validated"},
	"decision:" + string(domain.BlockNotValidated): {"non validé", "not validated"},
}

var timelineRoles = map[domain.Role][2]string{
	domain.RoleBeneficiary:    {"bénéficiaire", "beneficiary"},
	domain.RoleCounsellor:     {"conseiller", "counsellor"},
	domain.RoleTutor:          {"tuteur", "tutor"},
	domain.RoleStructureAdmin: {"responsable de structure", "structure admin"},
	domain.RoleAuditor:        {"certificateur", "auditor"},
	domain.RoleOperator:       {"opérateur", "operator"},
}

// words are the timeline's words in one language.
type words struct {
	labels   map[string]string
	values   map[string]string
	roles    map[domain.Role]string
	erased   string // shown for an erased person's words
	untitled string
}

var timelineWords = map[string]words{"fr": wordsIn(0, "[effacé]", "(sans titre)"), "en": wordsIn(1, "[erased]", "(untitled)")}

func wordsIn(lang int, erased, untitled string) words {
	w := words{labels: map[string]string{}, values: map[string]string{}, roles: map[domain.Role]string{}, erased: erased, untitled: untitled}
	for k, v := range timelineLabels {
		w.labels[k] = v[lang]
	}
	for k, v := range timelineValues {
		w.values[k] = v[lang]
	}
	for k, v := range timelineRoles {
		w.roles[k] = v[lang]
	}
	return w
}

// value puts the value v of placeholder name in words.
func (w words) value(name, v string) string {
	if s, ok := w.values[name+":"+v]; ok {
		return s
	}
	return v
}

// name returns name, or fallback, or the word for erased or untitled.
func (w words) name(name, fallback string, erased bool) string {
	switch {
	case erased:
		return w.erased
	case name != "":
		return name
	case fallback != "":
		return fallback
	}
	return w.untitled
}

// render fills the label's placeholders; an unknown label shows as is.
func (w words) render(label string, vars map[string]string) string {
	text, ok := w.labels[label]
	if !ok {
		return label
	}
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

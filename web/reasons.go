package web

import (
	"regexp"
	"strings"

	"github.com/parcours/parcours/domain"
)

// The domain explains a refusal in English words meant for whoever sent
// the command ("is required", "must have at most 200 characters"). A page
// shows it next to the field, as a sentence in the reader's language:
// reasons lists the domain's wordings, French then English; $1, $2 are
// the values the wording carries. A wording not listed (a new rule) shows
// in English, so nothing is ever hidden.
var reasons = []struct {
	re     *regexp.Regexp
	fr, en string
}{
	{regexp.MustCompile(`^is required$`), "Ce champ est obligatoire.", "This field is required."},
	{regexp.MustCompile(`^is required \(YYYY-MM-DD\)$`), "Indiquez une date.", "Enter a date."},
	{regexp.MustCompile(`^must have at least (\d+) characters$`), "Écrivez au moins $1 caractères.", "Write at least $1 characters."},
	{regexp.MustCompile(`^must have at most (\d+) characters$`), "Écrivez au plus $1 caractères.", "Write at most $1 characters."},
	{regexp.MustCompile(`^contains a control character$`), "Ce texte contient un caractère invisible non accepté.", "This text contains an invisible character that is not accepted."},
	{regexp.MustCompile(`^is not valid UTF-8$`), "Ce texte contient des caractères illisibles.", "This text contains unreadable characters."},
	{regexp.MustCompile(`^must be a date YYYY-MM-DD$`), "Indiquez une date valide (jour, mois, année).", "Enter a valid date (day, month, year)."},
	{regexp.MustCompile(`^must not be after the end date$`), "La date de début doit venir avant la date de fin.", "The start date must come before the end date."},
	{regexp.MustCompile(`^must not be in the past$`), "Choisissez une date à venir.", "Choose a date that is not past."},
	{regexp.MustCompile(`^must be in the future$`), "Choisissez une date à venir.", "Choose a date in the future."},
	{regexp.MustCompile(`^must not be after today \((.+)\)$`), "Choisissez une date qui n'est pas après aujourd'hui.", "Choose a date that is not after today."},
	{regexp.MustCompile(`^puts the due date \((.+)\) before today$`), "L'étape tomberait le $1, avant aujourd'hui : comptez moins de jours.", "The step would fall on $1, before today: count fewer days."},
	{regexp.MustCompile(`^puts the due date \((.+)\) after the goal's target date \((.+)\)$`), "L'étape tomberait le $1, après la date visée ($2).", "The step would fall on $1, after the target date ($2)."},
	{regexp.MustCompile(`^must be between (\d+) and (\d+)$`), "Indiquez un nombre entre $1 et $2.", "Enter a number between $1 and $2."},
	{regexp.MustCompile(`^must be an http\(s\) link$`), "Indiquez une adresse web qui commence par https:// ou http://.", "Enter a web address starting with https:// or http://."},
	{regexp.MustCompile(`^must be a ROME code \(ROME:K1201\) or an ESCO occupation URI$`), "Indiquez un code ROME (ROME:K1201) ou l'adresse d'un métier ESCO.", "Enter a ROME code (ROME:K1201) or an ESCO occupation URI."},
	{regexp.MustCompile(`^must be an RNCP certification \(RNCP37849\), ESCO or ROME$`), "Choisissez RNCP (par exemple RNCP37849), ESCO ou ROME.", "Choose RNCP (for instance RNCP37849), ESCO or ROME."},
	{regexp.MustCompile(`^must be a ROME code \(K1201\)$`), "Indiquez un code ROME (par exemple K1201).", "Enter a ROME code (for instance K1201)."},
	{regexp.MustCompile(`^must be a ROME competence number \(121357\)$`), "Indiquez le numéro d'une compétence du ROME (par exemple 121357).", "Enter the number of a ROME competence (for instance 121357)."},
	{regexp.MustCompile(`^must be an ESCO skill URI`), "Indiquez l'adresse d'une compétence ESCO (http://data.europa.eu/esco/skill/…).", "Enter an ESCO skill URI (http://data.europa.eu/esco/skill/…)."},
	{regexp.MustCompile(`^must be 1 to 32 letters, digits`), "Indiquez un code fait de lettres, de chiffres, de points ou de tirets.", "Enter a code made of letters, digits, dots or dashes."},
	{regexp.MustCompile(`^must be \w+(, \w+)* or \w+$`), "Choisissez une des possibilités proposées.", "Choose one of the options offered."},
	{regexp.MustCompile(`^is required for evidence of kind file$`), "Choisissez un fichier.", "Choose a file."},
	{regexp.MustCompile(`^must be empty for evidence of kind`), "Laissez ce champ vide pour ce type de preuve.", "Leave this field empty for this kind of evidence."},
	{regexp.MustCompile(`^must be 1 to 4$`), "Choisissez un niveau de 1 à 4.", "Choose a level from 1 to 4."},
	{regexp.MustCompile(`^must select at most (\d+) items$`), "Choisissez au plus $1 éléments.", "Choose at most $1 items."},
	{regexp.MustCompile(`^selects .+ twice$`), "Un élément est choisi deux fois.", "An item is chosen twice."},
	{regexp.MustCompile(`^experience .+ is not a training$`), "Seules les formations vont dans la partie « Formation ».", "Only trainings go in the “Education” part."},
	{regexp.MustCompile(`^a page cannot show items of kind`), "Ce type d'élément ne peut pas être publié.", "This kind of item cannot be published."},
	{regexp.MustCompile(`^no \w+ \S+$`), "Cet élément n'existe pas ou plus.", "This item does not exist, or no longer does."},
	{regexp.MustCompile(`already declared as competence`), "Cette compétence est déjà déclarée dans votre portfolio.", "This competence is already declared in your portfolio."},
	{regexp.MustCompile(`belongs to submitted dossier`), "Cet élément fait partie d'un dossier VAE déposé : il ne change plus.", "This item belongs to a submitted VAE dossier: it no longer changes."},
	{regexp.MustCompile(`^goal .+ is achieved$`), "Cet objectif est atteint : son rétroplanning ne change plus.", "This goal is achieved: its retroplanning no longer changes."},
	{regexp.MustCompile(`^milestone .+ was (already )?reached on (.+)$`), "Cette étape est déjà atteinte (le $2).", "This step is already reached (on $2)."},
	{regexp.MustCompile(`^link .+ is already revoked$`), "Ce lien est déjà retiré.", "This link is already revoked."},
	{regexp.MustCompile(`^names milestone .+ twice$`), "Une étape est nommée deux fois.", "A step is named twice."},
	{regexp.MustCompile(`^must list 1 to 100 milestones$`), "Indiquez au moins une étape.", "Enter at least one step."},
	{regexp.MustCompile(`^your role does not allow this`), "Votre rôle ne permet pas cette action.", "Your role does not allow this."},
}

// reasonText is a domain refusal as a sentence in l.
func reasonText(l Lang, e *domain.Error) string {
	for _, r := range reasons {
		if m := r.re.FindStringSubmatchIndex(e.Reason); m != nil {
			tpl := r.fr
			if l == EN {
				tpl = r.en
			}
			return string(r.re.ExpandString(nil, tpl, e.Reason, m))
		}
	}
	if strings.HasSuffix(e.Reason, "already exists") {
		return words.T(l, "form.exists")
	}
	if l == EN {
		return sentence(e.Reason)
	}
	return words.T(l, "form.refused") + " (" + e.Reason + ")"
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

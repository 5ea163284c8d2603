package notify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/projections"
)

// digestText is what a digest says, French first and English after: how
// many notifications of each kind, and the first names of who caused
// them. No other personal text goes in an e-mail.
func digestText(d projections.Digest, names map[string]string, centre, unsubscribe string) (subject, body string) {
	counts := map[domain.NotificationKind]int{}
	who := map[domain.NotificationKind][]string{}
	for _, it := range d.Items {
		counts[it.Kind]++
		if n := names[it.Actor]; n != "" && !slices.Contains(who[it.Kind], n) {
			who[it.Kind] = append(who[it.Kind], n)
		}
	}
	total := len(d.Items)
	subject = fmt.Sprintf("Parcours : %s / %s", plural(total, "nouvelle notification", "nouvelles notifications"),
		plural(total, "new notification", "new notifications"))
	var b strings.Builder
	write := func(lang int, hello, intro, read, stop string) {
		fmt.Fprintf(&b, "%s\n\n%s\n", hello, intro)
		for _, k := range domain.NotificationKinds() {
			n := counts[k]
			if n == 0 {
				continue
			}
			w := kindWords[k]
			line := plural(n, w[lang][0], w[lang][1])
			if len(who[k]) > 0 {
				line += " (" + strings.Join(who[k], ", ") + ")"
			}
			fmt.Fprintf(&b, "- %s\n", line)
		}
		fmt.Fprintf(&b, "\n%s %s\n\n%s %s\n", read, centre, stop, unsubscribe)
	}
	write(0, "Bonjour,", fmt.Sprintf("Vous avez %s sur Parcours :", plural(total, "nouvelle notification", "nouvelles notifications")),
		"Pour les lire :", "Ne plus recevoir ces e-mails :")
	b.WriteString("\n-- \n\n")
	write(1, "Hello,", fmt.Sprintf("You have %s on Parcours:", plural(total, "new notification", "new notifications")),
		"To read them:", "Stop these e-mails:")
	return subject, b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// kindWords names each kind, in French then English, singular then
// plural.
var kindWords = map[domain.NotificationKind][2][2]string{
	domain.NotifyMessage:        {{"nouveau message", "nouveaux messages"}, {"new message", "new messages"}},
	domain.NotifyComment:        {{"nouveau commentaire", "nouveaux commentaires"}, {"new comment", "new comments"}},
	domain.NotifyActionDue:      {{"action à faire", "actions à faire"}, {"action due", "actions due"}},
	domain.NotifyAppointment:    {{"rendez-vous demain", "rendez-vous demain"}, {"appointment tomorrow", "appointments tomorrow"}},
	domain.NotifyShareViewed:    {{"page partagée consultée", "pages partagées consultées"}, {"shared page viewed", "shared pages viewed"}},
	domain.NotifyDossierDecided: {{"décision sur votre dossier", "décisions sur votre dossier"}, {"decision on your dossier", "decisions on your dossier"}},
	domain.NotifyInactive:       {{"personne suivie sans activité", "personnes suivies sans activité"}, {"person you follow inactive", "people you follow inactive"}},
	domain.NotifyReminder:       {{"petit rappel : votre portfolio vous attend", "petits rappels : votre portfolio vous attend"}, {"gentle reminder: your portfolio awaits", "gentle reminders: your portfolio awaits"}},
}

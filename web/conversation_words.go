package web

// talkWords are the words of the conversation pages, the beneficiary's
// and the counsellor's.
var talkWords = catalog{
	"me.nav.talk":           {"Messages", "Messages"},
	"talk.title":            {"Messages", "Messages"},
	"talk.inbox.title":      {"Messages", "Messages"},
	"talk.inbox.none":       {"Pas encore de conversation.", "No conversation yet."},
	"talk.me.heading":       {"Écrivez à votre conseiller ou conseillère et à votre tuteur ou tutrice : ils et elles lisent ici vos messages.", "Write to your counsellor and your tutor: they read your messages here."},
	"talk.with":             {"Conversation avec", "Conversation with"},
	"talk.new":              {"Nouveaux messages :", "New messages:"},
	"talk.unread.one":       {"non lu", "unread"},
	"talk.unread.many":      {"non lus", "unread"},
	"talk.badge.new":        {"nouveau", "new"},
	"talk.latest":           {"Revenir aux derniers messages", "Back to the latest messages"},
	"talk.older":            {"Voir les messages plus anciens", "See older messages"},
	"talk.messages":         {"Messages de la conversation", "Messages of the conversation"},
	"talk.none":             {"Pas encore de message. Écrivez le premier !", "No message yet. Write the first one!"},
	"talk.edited":           {"modifié", "edited"},
	"talk.deleted":          {"Message supprimé par son auteur.", "Message deleted by its author."},
	"talk.erased":           {"Message effacé : son auteur a fait supprimer ses données.", "Message erased: its author had their data deleted."},
	"talk.erased.person":    {"Personne effacée", "Erased person"},
	"talk.attachments":      {"Preuves jointes :", "Evidence attached:"},
	"talk.text":             {"Votre message", "Your message"},
	"talk.attach":           {"Joindre une preuve de votre portfolio (facultatif)", "Attach evidence from the portfolio (optional)"},
	"talk.send":             {"Envoyer", "Send"},
	"talk.back":             {"Retour", "Back"},
	"talk.colleague":        {"collègue", "colleague"},
	"talk.start":            {"Écrire à un ou une collègue", "Write to a colleague"},
	"talk.colleague.choose": {"Collègue", "Colleague"},
	"talk.start.submit":     {"Ouvrir la conversation", "Open the conversation"},
	"talk.start.refused":    {"Cette conversation ne peut pas être ouverte.", "This conversation cannot be opened."},
}

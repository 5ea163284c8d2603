package httpapi_test

import (
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

// outcome is what a probe must get.
type outcome int

const (
	allow  outcome = iota // anything but a denial
	deny                  // 403
	hidden                // 404 that reveals nothing (as for a missing portfolio or item)
	unauth                // 401
)

var actorsOfMatrix = []string{"zoe", "cons", "cons2", "tutor", "tutorout", "tutorexp", "auditor", "auditexp", "admin", "luc", "oadmin", "obene", "operator", ""}

// portfolioRule is who may do an action on p-zoe, as commands/authz.go
// decides it; knows = the owner, her counsellor, tutors with an active
// grant, an auditor with an active grant, the structure's admin.
func portfolioRule(allowed map[string]bool, tutorTarget bool) func(string) outcome {
	knows := map[string]bool{"zoe": true, "cons": true, "tutor": true, "tutorout": true, "auditor": true, "admin": true}
	return func(actor string) outcome {
		switch {
		case actor == "":
			return unauth
		case !knows[actor]:
			return hidden
		case allowed[actor]:
			return allow
		case tutorTarget && actor == "tutorout":
			return hidden // out of scope: the item is not revealed
		}
		return deny
	}
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// structureRule: the operator and the structure's admin; others of the
// same structure are denied, others are not told it exists.
func structureRule(adminOK bool) func(string) outcome {
	return func(actor string) outcome {
		switch {
		case actor == "":
			return unauth
		case actor == "operator", adminOK && actor == "admin":
			return allow
		case actor == "oadmin" || actor == "obene":
			return hidden
		}
		return deny
	}
}

var (
	owner       = portfolioRule(set("zoe"), false)
	ownerOrCons = portfolioRule(set("zoe", "cons"), false)
	commenters  = portfolioRule(set("zoe", "cons", "tutor"), true)
	attesters   = portfolioRule(set("tutor"), true)
	assessors   = portfolioRule(set("cons", "tutor"), true)
	adminOnly   = portfolioRule(set("admin"), false)
	granters    = portfolioRule(set("zoe", "cons", "admin"), false)
	counsellor  = portfolioRule(set("cons"), false)
	readers     = portfolioRule(set("zoe", "cons", "tutor", "tutorout"), false)
	anyone      = func(actor string) outcome { return allow }
	signedIn    = func(actor string) outcome {
		if actor == "" {
			return unauth
		}
		return allow
	}
)

// matrixRules gives each operation its rule and a valid body. An operation
// without a rule fails the test: every route is probed.
var matrixRules = map[string]struct {
	rule func(string) outcome
	body string
}{
	"healthz": {anyone, ""}, "readyz": {anyone, ""}, "openapi": {anyone, ""},
	"registerStructure": {func(a string) outcome {
		if a == "operator" {
			return allow
		} else if a == "" {
			return unauth
		}
		return deny
	}, `{"name":"N","seats":1}`},
	"changeSeats":          {structureRule(true), `{"seats":20}`},
	"enrolPerson":          {structureRule(true), `{"role":"tutor","name":"Nouveau"}`},
	"leaveStructure":       {structureRule(true), ""},
	"assignCounsellor":     {adminOnly, `{"counsellor_id":"p-cons4"}`},
	"unassignCounsellor":   {adminOnly, ""},
	"inviteTutor":          {granters, `{"tutor_id":"p-tutor","all_items":true}`},
	"grantAuditor":         {granters, `{"auditor_id":"p-audit","dossier_id":"d-1","until":"2030-01-01T00:00:00Z"}`},
	"revokeGrant":          {granters, ""},
	"addExperience":        {owner, `{"kind":"leisure","context":"informal","text":{"title":"Théâtre"}}`},
	"editExperience":       {owner, `{"kind":"professional","context":"formal","text":{"title":"Poste"}}`},
	"removeExperience":     {owner, ""},
	"addTask":              {owner, `{"text":{"title":"Tâche"}}`},
	"editTask":             {owner, `{"text":{"title":"Tâche"}}`},
	"removeTask":           {owner, ""},
	"declareCompetence":    {owner, `{"text":{"name":"Vendre"}}`},
	"linkCompetence":       {owner, `{"experiences":["x-2"]}`},
	"unlinkCompetence":     {owner, `{"experiences":["x-2"]}`},
	"selfAssessCompetence": {owner, `{"level":3}`},
	"assessCompetence":     {assessors, `{"result":"partly","comment":{"text":"En progrès"}}`},
	"validateCompetence":   {assessors, "{}"},
	"attachEvidence":       {owner, `{"target":{"kind":"competence","id":"c-1"},"kind":"link","text":{"title":"Site","url":"https://example.org/"}}`},
	"reviseEvidence":       {owner, `{"kind":"text","text":{"title":"Récit","text":"Autre"}}`},
	"withdrawEvidence":     {owner, ""},
	"supersedeEvidence":    {owner, `{"kind":"text","text":{"title":"Récit","text":"Neuf"}}`},
	"addComment":           {commenters, `{"target":{"kind":"experience","id":"x-1"},"text":{"text":"Bien"}}`},
	"attest":               {attesters, `{"target":{"kind":"task","id":"x-1/t-1"},"statement":{"text":"Vu"}}`},
	"setGoal":              {ownerOrCons, `{"kind":"training","target":"2027-01-01","text":{"title":"BTS"}}`},
	"planMilestones":       {ownerOrCons, `{"milestones":[{"days_before":30,"text":{"title":"Dossier"}}]}`},
	"addMilestone":         {ownerOrCons, `{"due":"2026-06-01","text":{"title":"Salon"}}`},
	"moveMilestone":        {ownerOrCons, `{"due":"2026-06-02"}`},
	"reachMilestone":       {ownerOrCons, "{}"},
	"removeMilestone":      {ownerOrCons, ""},
	"achieveGoal":          {ownerOrCons, "{}"},
	"writeJournalEntry":    {ownerOrCons, `{"text":"Rendez-vous"}`},
	"addDocument":          {owner, `{"kind":"id","file":{"file_id":"0000000000000000000000000000000000000000000000000000000000000003","sha256":"0000000000000000000000000000000000000000000000000000000000000004","size":5,"media_type":"application/pdf"},"text":{"title":"Carte"}}`},
	"shareDocument":        {owner, ""},
	"unshareDocument":      {owner, ""},
	"removeDocument":       {owner, ""},
	"createCV":             {owner, `{"experiences":["x-1"],"text":{"title":"CV 2"}}`},
	"editCV":               {owner, `{"experiences":["x-1"],"text":{"title":"CV"}}`},
	"removeCV":             {owner, ""},
	"createPage":           {owner, `{"items":[{"kind":"experience","id":"x-1"}],"text":{"title":"P2"}}`},
	"editPage":             {owner, `{"items":[{"kind":"experience","id":"x-1"}],"text":{"title":"P"}}`},
	"removePage":           {owner, ""},
	"publishPage":          {owner, "{}"},
	"revokeShareLink":      {owner, ""},
	"openDossier":          {owner, `{"certification":{"rncp_code":"RNCP54321","title":"Autre titre","blocks":[{"code":"B1","title":"Bloc","competences":[{"code":"B1-C1","title":"C"}]}]}}`},
	"requestAdmissibility": {owner, ""},
	"recordAdmissibility":  {counsellor, `{"admissible":true,"decided_on":"2026-03-01"}`},
	"mapToBlock":           {owner, `{"block":"BC01","item":{"kind":"experience","id":"x-1"}}`},
	"unmapFromBlock":       {owner, `{"block":"BC01","item":{"kind":"experience","id":"x-1"}}`},
	"submitDossier":        {owner, ""},
	"recordJuryDecision":   {counsellor, `{"block":"BC01","decision":"validated","decided_on":"2026-03-02"}`},
	"getPortfolio":         {readers, ""},
	"getCV":                {ownerOrCons, ""},
	"exportCV":             {ownerOrCons, ""},
	"exportPortfolio":      {ownerOrCons, ""},
	"getTimeline":          {ownerOrCons, ""},
	"getAuditTrail":        {portfolioRule(set("zoe", "cons", "admin"), false), ""},
	"getDossier":           {portfolioRule(set("zoe", "cons", "auditor"), false), ""},
	"getDossierBundle":     {portfolioRule(set("zoe", "cons", "auditor"), false), ""},
	"getDashboard": {func(a string) outcome {
		switch a {
		case "":
			return unauth
		case "cons":
			return allow
		}
		return hidden
	}, ""},
	"getStructureOverview": {structureRule(true), ""},
	"getPublishedPage":     {anyone, ""},
	"uploadFile":           {owner, "%PDF-1.4 matrix"},
	"downloadFile":         {portfolioRule(set("zoe", "cons", "tutor", "tutorout", "auditor"), false), ""}, // an unknown file: 404 "no file"
	"erasePerson":          {personRights, ""},
	"exportPerson":         {personRights, ""},
	"metrics":              {operatorOnly, ""},
	"me":                   {signedIn, ""},
	// Conversations: a portfolio's is private to the beneficiary and
	// those who follow them (the structure admin and the auditor know the
	// portfolio and are refused; a tutor out of scope may talk but not
	// attach what they cannot see); a one-to-one one is hidden from all
	// but its two participants, the structure admin included.
	"listConversations":             {signedIn, ""},
	"getPortfolioConversation":      {readers, ""},
	"postPortfolioMessage":          {commenters, `{"text":"Voici ma preuve","attachments":["ev-1"]}`},
	"editPortfolioMessage":          {owner, `{"text":"Bonjour !"}`},
	"deletePortfolioMessage":        {owner, ""},
	"markPortfolioConversationRead": {readers, ""},
	"startConversation":             {staffRule, `{"with":"p-cons2"}`},
	"getConversation":               {participants(set("cons", "cons2")), ""},
	"postMessage":                   {participants(set("cons", "cons2")), `{"text":"Réunion demain ?"}`},
	"editMessage":                   {participants(set("cons")), `{"text":"Salut !"}`},
	"deleteMessage":                 {participants(set("cons")), ""},
	"markConversationRead":          {participants(set("cons", "cons2")), ""},
	// Badges: a portfolio's are its owner's, their counsellor's (who
	// issues them) and their structure admin's (who may revoke them);
	// the issuer profile and the revocation list are public.
	"listBadges":            {portfolioRule(set("zoe", "cons", "admin"), false), ""},
	"issueAchievementBadge": {counsellor, `{"name":"Bénévolat","description":"Aide aux devoirs","criteria":"Reconnu par son conseiller"}`},
	"issueBlockBadge":       {counsellor, `{"block":"BC01"}`}, // BC01 is not decided: 409 for her counsellor
	"getBadgeCredential":    {portfolioRule(set("zoe", "cons", "admin"), false), ""},
	"revokeBadge":           {portfolioRule(set("cons", "admin"), false), `{"reason":"Erreur de saisie"}`},
	"getIssuerProfile":      {anyone, ""},
	"getBadgeStatusList":    {anyone, ""},
	// Notifications: a centre is its person's alone (the operator has
	// none); the inactivity period is the structure's admins'; an
	// unknown unsubscribe token is not found, for anyone.
	"listNotifications":          {notifiable, ""},
	"markNotificationsRead":      {notifiable, `{"up_to":1}`},
	"getNotificationPreferences": {notifiable, ""},
	"setNotificationPreferences": {notifiable, `{"kinds":{"comment":{"in_app":true,"email":false}}}`},
	"setInactivityPeriod":        {structureRule(true), `{"days":14}`},
	"unsubscribe":                {anyone, ""},
	// Imports: the owner, or her counsellor for her (a JSON Resume body).
	"previewImport": {ownerOrCons, `{"work":[{"name":"Imprimerie du Port","position":"Apprentie"}]}`},
	"importFile":    {ownerOrCons, `{"work":[{"name":"Imprimerie du Port","position":"Apprentie"}]}`},
	// Reference frameworks: every active member of a structure (and the
	// operator) reads them; the operator alone imports.
	"listFrameworks":        {signedIn, ""},
	"searchFrameworks":      {signedIn, ""},
	"listFrameworkVersions": {signedIn, ""},
	"importFramework":       {operatorOnly, "code_rome,libelle_rome\nK1201,Action sociale\n"},
}

// notifiable: every member of a structure has a notification centre, the
// operator none.
func notifiable(actor string) outcome {
	switch actor {
	case "":
		return unauth
	case "operator":
		return deny
	}
	return allow
}

// participants: a one-to-one conversation between p-cons and p-cons2.
// Allowed ones may act; the other participant is refused (not their
// message); everyone else is not told it exists.
func participants(allowed map[string]bool) func(string) outcome {
	return func(actor string) outcome {
		switch {
		case actor == "":
			return unauth
		case allowed[actor]:
			return allow
		case actor == "cons" || actor == "cons2":
			return deny
		}
		return hidden
	}
}

// staffRule: staff of s-ml (counsellors, the structure admin) start a
// one-to-one conversation with p-cons2 (p-cons2 is told they cannot talk
// to themself: not a denial); others are refused, and the other
// structure's admin is not told p-cons2 exists.
func staffRule(actor string) outcome {
	switch actor {
	case "":
		return unauth
	case "cons", "cons2", "admin":
		return allow
	case "oadmin":
		return hidden
	}
	return deny
}

var pathValues = map[string]string{
	"portfolioID": "p-zoe", "structureID": "s-ml", "personID": "p-luc", "counsellorID": "p-cons", "grantID": "g-exp",
	"experienceID": "x-1", "taskID": "t-1", "competenceID": "c-1", "evidenceID": "ev-1", "goalID": "goal-1", "milestoneID": "m-1",
	"documentID": "doc-1", "cvID": "cv-1", "pageID": "pg-1", "linkID": "l-1", "dossierID": "d-1", "token": "no-such-token",
	"messageID": "msg-1", "badgeID": matrixBadge, "kind": "rome", "conversationID": domain.DirectConversationID("s-ml", "p-cons", "p-cons2"),
	"fileID": "00000000000000000000000000000000000000000000000000000000000000ff",
}

// personRights: p-luc themself and the admin of his structure; nobody
// else learns that he exists.
func personRights(actor string) outcome {
	switch actor {
	case "":
		return unauth
	case "luc", "admin":
		return allow
	}
	return hidden
}

// operatorOnly: /metrics when not public.
func operatorOnly(actor string) outcome {
	switch actor {
	case "":
		return unauth
	case "operator":
		return allow
	}
	return deny
}

// TestAuthorizationMatrix probes every route × every actor (own and other
// structure, tutor in and out of scope and expired, auditor before and
// after expiry) and asserts the exact outcome; a denied write changes
// nothing, and a hidden resource answers like a missing one.
func TestAuthorizationMatrix(t *testing.T) {
	a := newAPI(t)
	a.seedMatrix(t)
	resp, err := http.Get(a.url + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	type probe struct{ method, path, id string }
	var probes []probe
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			probes = append(probes, probe{method, path, op.OperationID})
		}
	}
	// Reads first, then writes, deletions last, so that allowed writes
	// change as little as possible of what later probes name.
	order := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "DELETE": 3}
	// Probes that end a relation (an assignment, a grant, a membership)
	// come last of all, since every other rule rests on those relations.
	last := map[string]int{"revokeGrant": 1, "unassignCounsellor": 2, "leaveStructure": 3}
	sort.Slice(probes, func(i, j int) bool {
		if last[probes[i].id] != last[probes[j].id] {
			return last[probes[i].id] < last[probes[j].id]
		}
		if order[probes[i].method] != order[probes[j].method] {
			return order[probes[i].method] < order[probes[j].method]
		}
		return probes[i].path < probes[j].path
	})
	for _, p := range probes {
		rule, ok := matrixRules[p.id]
		if !ok {
			if !skippedInMatrix[p.id] {
				t.Errorf("operation %s (%s %s) has no rule in the authorization matrix", p.id, p.method, p.path)
			}
			continue
		}
		path := p.path
		for k, v := range pathValues {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		// Denied actors first: an allowed write may end what the denial
		// rests on (a revoked grant).
		actors := slices.Clone(actorsOfMatrix)
		sort.SliceStable(actors, func(i, j int) bool { return rule.rule(actors[i]) != allow && rule.rule(actors[j]) == allow })
		for _, actor := range actors {
			a.probe(t, p.method, path, p.id, actor, rule.body, rule.rule(actor))
		}
	}
}

// skippedInMatrix are operations probed by their own tests (they need a
// session cookie or a live stream rather than a JSON body).
var skippedInMatrix = map[string]bool{"login": true, "logout": true, "createToken": true, "listTokens": true, "revokeToken": true,
	"eventFeed": true}

func (a *api) probe(t *testing.T, method, path, id, actor, body string, want outcome) {
	t.Helper()
	before, _ := a.store.Head(t.Context())
	var b any
	if body != "" {
		b = []byte(body)
	}
	r := a.do(method, path, actor, b)
	var p httpapi.Problem
	if r.status >= 400 && strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		r.json(t, &p)
	}
	hiddenLike := r.status == 404 && (len(p.Errors) > 0 && (p.Errors[0].Field == "portfolio" || p.Errors[0].Field == "person" || p.Errors[0].Field == "counsellor" || p.Errors[0].Field == "conversation" || p.Errors[0].Field == "with" || p.Errors[0].Field == "badge") ||
		p.Detail == "no such item" || strings.HasPrefix(p.Detail, "no structure"))
	var ok bool
	switch want {
	case allow:
		ok = r.status != 401 && r.status != 403 && !hiddenLike && r.status < 500
	case deny:
		ok = r.status == 403
	case hidden:
		ok = hiddenLike
	case unauth:
		ok = r.status == 401
	}
	if !ok {
		t.Errorf("%s %s (%s) as %q: got %d %s, want %v", method, path, id, actor, r.status, r.body, [...]string{"allowed", "403", "a 404 that reveals nothing", "401"}[want])
	}
	if want != allow && method != "GET" {
		if after, _ := a.store.Head(t.Context()); after != before {
			t.Errorf("%s %s as %q was refused but wrote to the store", method, path, actor)
		}
	}
}

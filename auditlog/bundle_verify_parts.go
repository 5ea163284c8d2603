package auditlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// partCounts says how each disclosed part is established.
type partCounts struct {
	proven   int // opened with its part key from the event's sealed bytes
	attested int // sealed in version 1: only the manifest's signature vouches for it
	erased   int // the person's data was erased: nothing disclosed
}

// partProblem is one disclosed part that does not hold, said in French
// and English.
type partProblem struct{ fr, en string }

// maxKeyTries bounds the work spent, on failures only, finding which other
// part a misplaced key belongs to.
const maxKeyTries = 4096

// sealedPart is an event's sealed member as the stored bytes hold it, and
// its binding, computed as personaldata.BindingOf does.
type sealedPart struct {
	e       eventstore.Event
	binding personaldata.Binding
	sealed  personaldata.Sealed
}

// proveParts checks each disclosed part against the sealed part of its
// event in events.jsonl: a part sealed in version 2 must come with its
// part key, which must open that sealed part (and the platform cannot
// derive a key that opens it to another text), giving exactly the
// disclosed text; a part sealed in version 1 has no key to check; an
// erased part discloses nothing.
func (v *verifier) proveParts(disc disclosureDoc) (partCounts, []partProblem) {
	var n partCounts
	var problems []partProblem
	byID := make(map[string]eventstore.Event, len(v.events))
	for _, e := range v.events {
		byID[e.ID.String()] = e
	}
	sealed := make(map[string]sealedPart, len(disc.Parts))
	for _, p := range disc.Parts {
		if s, ok := sealedOf(byID[p.EventID]); ok {
			sealed[p.EventID] = s
		}
	}
	tries := 0
	for _, p := range disc.Parts {
		bad := func(fr, en string) {
			problems = append(problems, partProblem{
				fr: fmt.Sprintf("événement %s (révision %d) : %s", p.EventID, p.Revision, fr),
				en: fmt.Sprintf("event %s (revision %d): %s", p.EventID, p.Revision, en)})
		}
		s, ok := sealed[p.EventID]
		switch {
		case !ok:
			bad("aucune partie scellée lisible dans l'événement", "no readable sealed part in the event")
		case p.Erased:
			if p.PartKey != nil || p.Personal != nil {
				bad("partie dite effacée, mais accompagnée d'un texte ou d'une clé", "a part said to be erased comes with a text or a key")
				continue
			}
			n.erased++
		case s.sealed.V == personaldata.SealV1:
			if p.PartKey != nil {
				bad("clé de partie fournie pour une partie scellée en version 1, qui n'en a pas",
					"a part key given for a part sealed in version 1, which has none")
				continue
			}
			n.attested++
		case s.sealed.V != personaldata.SealV2:
			bad(fmt.Sprintf("partie scellée en version %d, inconnue", s.sealed.V), fmt.Sprintf("part sealed in unknown version %d", s.sealed.V))
		case p.PartKey == nil:
			bad("partie scellée en version 2 divulguée sans sa clé de partie : le texte ne peut être prouvé",
				"a part sealed in version 2 disclosed without its part key: the text cannot be proven")
		default:
			plain, err := personaldata.OpenWithPartKey(p.PartKey, s.binding, s.sealed)
			if err != nil {
				other := v.keyOwner(p.PartKey, p.EventID, sealed, disc, &tries)
				if other != "" {
					bad("la clé fournie est celle de la partie d'un autre événement ("+other+") : elle n'ouvre pas celle-ci",
						"the key given is the part key of another event ("+other+"): it does not open this part")
				} else {
					bad("la clé de partie n'ouvre pas la partie scellée de l'événement (clé fausse)",
						"the part key does not open the event's sealed part (a wrong key)")
				}
				continue
			}
			if !sameJSON(plain, p.Personal) {
				bad("le texte divulgué diffère de celui que contient la partie scellée de l'événement",
					"the disclosed text differs from the one the event's sealed part holds")
				continue
			}
			n.proven++
		}
	}
	return n, problems
}

// sealedOf reads the sealed member of a stored event as eventcodec does.
func sealedOf(e eventstore.Event) (sealedPart, bool) {
	var env struct {
		Sealed *personaldata.Sealed `json:"sealed"`
	}
	if e.Data == nil || json.Unmarshal(e.Data, &env) != nil || env.Sealed == nil {
		return sealedPart{}, false
	}
	return sealedPart{e: e, binding: personaldata.BindingOf(e), sealed: *env.Sealed}, true
}

// keyOwner returns the ID of the other disclosed event whose sealed part
// key opens, if any (within maxKeyTries attempts in all).
func (v *verifier) keyOwner(key []byte, self string, sealed map[string]sealedPart, disc disclosureDoc, tries *int) string {
	for _, p := range disc.Parts {
		s, ok := sealed[p.EventID]
		if p.EventID == self || !ok || s.sealed.V != personaldata.SealV2 || *tries >= maxKeyTries {
			continue
		}
		*tries++
		if _, err := personaldata.OpenWithPartKey(key, s.binding, s.sealed); err == nil {
			return p.EventID
		}
	}
	return ""
}

// sameJSON reports whether the opened plaintext is the disclosed text, up
// to the form disclosure.json writes it in (compact, HTML characters
// escaped, as json.Marshal writes a json.RawMessage).
func sameJSON(plain []byte, disclosed json.RawMessage) bool {
	canon, err := json.Marshal(json.RawMessage(plain))
	return err == nil && bytes.Equal(canon, disclosed)
}

// reportParts adds the disclosure's outcome to the report.
func (v *verifier) reportParts(total int, n partCounts, problems []partProblem) bool {
	if len(problems) > 0 {
		fr, en := make([]string, len(problems)), make([]string, len(problems))
		for i, p := range problems {
			fr[i], en[i] = p.fr, p.en
		}
		v.r.add("disclosure", StatusFail,
			fmt.Sprintf("Textes divulgués non prouvés par les parties scellées des événements (%d sur %d) : %s", len(problems), total, strings.Join(fr, " ; ")),
			fmt.Sprintf("Disclosed texts not proven by the events' sealed parts (%d of %d): %s", len(problems), total, strings.Join(en, "; ")))
		return false
	}
	v.r.ok("disclosure",
		fmt.Sprintf("%d parties personnelles divulguées, exactement celles auxquelles le dossier renvoie : %d prouvées par leur clé de partie, %d attestées seulement par la signature de la plateforme (scellement v1), %d effacées",
			total, n.proven, n.attested, n.erased),
		fmt.Sprintf("%d personal parts disclosed, exactly those the dossier refers to: %d proven by their part key, %d only attested by the platform's signature (seal v1), %d erased",
			total, n.proven, n.attested, n.erased))
	if n.proven > 0 {
		v.r.add("disclosure", StatusInfo,
			fmt.Sprintf("Les %d textes prouvés sont exactement ce que contiennent les octets scellés de leurs événements, inscrits au journal signé ; chaque clé fournie n'ouvre que sa partie, aucune clé de la personne n'est fournie", n.proven),
			fmt.Sprintf("The %d proven texts are exactly what the sealed bytes of their events, notarised in the signed log, hold; each key given opens its own part only, and no key of the person's is given", n.proven))
	}
	if n.attested > 0 {
		v.r.add("disclosure", StatusInfo,
			fmt.Sprintf("Les %d textes scellés en version 1 sont attestés par la signature de la plateforme (manifeste) ; ils n'ont pas de clé propre et ne peuvent être rapprochés cryptographiquement des parties scellées des événements", n.attested),
			fmt.Sprintf("The %d texts sealed in version 1 are attested by the platform's signature (manifest); they have no key of their own and cannot be matched cryptographically to the events' sealed parts", n.attested))
	}
	return true
}

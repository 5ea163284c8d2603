package auditlog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"time"

	"github.com/parcours/parcours/domain"
)

//go:embed dossier.html.tmpl
var dossierHTML string

// dossierTemplate is parsed at start-up: a broken template fails the
// binary at once, not an auditor's download.
var dossierTemplate = template.Must(template.New("dossier").Funcs(template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"state":    func(s domain.DossierState) string { return bilingual(stateWords, string(s)) },
	"decision": func(d domain.BlockDecision) string { return bilingual(decisionWords, string(d)) },
	"status":   func(s domain.AttestationStatus) string { return bilingual(statusWords, string(s)) },
	"event": func(e EventRef) string {
		return fmt.Sprintf("%s, révision / revision %d, par / by %s (%s), %s", e.Type, e.Revision, e.Actor, e.Role, e.OccurredAt.UTC().Format(time.RFC3339))
	},
}).Parse(dossierHTML))

var stateWords = map[string][2]string{
	"opened": {"ouvert", "opened"}, "admissibility_requested": {"recevabilité demandée", "admissibility requested"},
	"admissible": {"recevable", "admissible"}, "inadmissible": {"non recevable", "inadmissible"},
	"submitted": {"déposé", "submitted"}, "decided": {"décidé", "decided"},
}

var decisionWords = map[string][2]string{
	"": {"en attente", "pending"}, "validated": {"validé", "validated"},
	"partly": {"validé en partie", "partly validated"}, "not_validated": {"non validé", "not validated"},
}

var statusWords = map[string][2]string{
	"current": {"toujours valable", "still current"}, "changed": {"la preuve a changé depuis", "the evidence changed since"},
	"superseded": {"la preuve a été remplacée", "the evidence was superseded"}, "withdrawn": {"la preuve a été retirée", "the evidence was withdrawn"},
}

func bilingual(words map[string][2]string, key string) string {
	if w, ok := words[key]; ok {
		return w[0] + " / " + w[1]
	}
	return key
}

// renderDossier returns dossier.json and dossier.html of v. Both are pure
// functions of v, so the verifier recomputes them byte for byte.
func renderDossier(v *DossierView) (jsonDoc, html []byte, err error) {
	if jsonDoc, err = json.MarshalIndent(v, "", "  "); err != nil {
		return nil, nil, fmt.Errorf("encode dossier: %w", err)
	}
	var buf bytes.Buffer
	if err := dossierTemplate.Execute(&buf, v); err != nil {
		return nil, nil, fmt.Errorf("render dossier: %w", err)
	}
	return append(jsonDoc, '\n'), buf.Bytes(), nil
}

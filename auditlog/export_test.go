package auditlog

import (
	"encoding/json"
	"errors"
)

// DossierAsClaimed recomputes dossier.json and dossier.html from a
// bundle's documents, taking its disclosure.json at its word: what a
// platform lying about a disclosed text would ship, so that the dossier
// check holds and only the part keys can catch the lie.
func DossierAsClaimed(docs map[string][]byte) (dossierJSON, dossierHTML []byte, err error) {
	v := &verifier{b: &Bundle{Docs: docs, Files: map[string]FileDigest{}}, r: &Report{}}
	v.checkKey("")
	if err := decodeIndented(docs[entryManifest], &v.m); err != nil {
		return nil, nil, err
	}
	v.checkCheckpoint()
	v.checkChain()
	v.checkAnchor()
	if v.cp == nil || v.events == nil || v.anchor == nil {
		return nil, nil, errors.New("the bundle's events, checkpoint or anchor do not verify")
	}
	var disc disclosureDoc
	if err := json.Unmarshal(docs[entryDisclosure], &disc); err != nil {
		return nil, nil, err
	}
	if v.fold, err = foldEvents(v.events, nil, v.m.DossierID); err != nil {
		return nil, nil, err
	}
	d := v.fold.p.Dossiers()[v.m.DossierID]
	if d == nil {
		return nil, nil, errors.New("no dossier")
	}
	v.sel = v.fold.selectItems(d)
	v.parts = partsByID(disc)
	_, dossierJSON, dossierHTML, err = v.renderDossier()
	return dossierJSON, dossierHTML, err
}

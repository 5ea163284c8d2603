package auditlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

func (v *verifier) checkAnchor() {
	err := errors.New("no checkpoint or no events")
	if v.cp != nil && v.events != nil {
		err = v.anchorHolds()
	}
	if err != nil {
		v.r.fail("anchor", "Ancrage du dépôt invalide", "Invalid submission anchor", err)
		return
	}
	at := v.anchor.Time.Format("2006-01-02 15:04 UTC")
	v.r.ok("anchor", fmt.Sprintf("Dépôt ancré dans le point de contrôle signé de taille %d : il existait au plus tard le %s", v.anchor.Size, at),
		fmt.Sprintf("Submission anchored in the signed checkpoint of size %d: it existed no later than %s", v.anchor.Size, at))
}

func (v *verifier) anchorHolds() error {
	a := v.proofs.Anchor
	cp, err := OpenCheckpoint([]byte(a.Checkpoint), v.key)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(v.records, func(r eventRecord) bool { return r.ID == a.EventID })
	if i < 0 {
		return fmt.Errorf("the submission event %s is not in the bundle", a.EventID)
	}
	if pf, dossier, ok := submission(v.events[i]); !ok || dossier != v.m.DossierID || pf != v.m.PortfolioID || v.records[i].LeafIndex != a.LeafIndex {
		return fmt.Errorf("event %s is not the submission of dossier %s at leaf %d", a.EventID, v.m.DossierID, a.LeafIndex)
	}
	if err := VerifyInclusion(cp, a.LeafIndex, v.events[i].Hash, a.Inclusion); err != nil {
		return err
	}
	if err := VerifyConsistency(cp, *v.cp, a.Consistency); err != nil {
		return err
	}
	v.anchor = &cp
	return nil
}

func (v *verifier) checkDisclosure() {
	err := errors.New("no verified events")
	var disc disclosureDoc
	if v.events != nil {
		err = decodeCanonical(v.b.Docs[entryDisclosure], &disc)
	}
	if err == nil {
		v.fold, err = foldEvents(v.events, nil, v.m.DossierID)
	}
	if err == nil {
		if d := v.fold.p.Dossiers()[v.m.DossierID]; d == nil {
			err = fmt.Errorf("the events hold no dossier %s", v.m.DossierID)
		} else {
			v.sel = v.fold.selectItems(d)
		}
	}
	if err == nil {
		if want, got := v.fold.disclosed(v.sel), sortedPartIDs(disc); !slices.Equal(want, got) {
			err = fmt.Errorf("disclosed parts of %d events, the dossier refers to %d", len(got), len(want))
		}
	}
	if err != nil {
		v.r.fail("disclosure", "Divulgation non conforme au dossier", "Disclosure does not match the dossier", err)
		return
	}
	n, problems := v.proveParts(disc)
	if v.reportParts(len(disc.Parts), n, problems) {
		v.parts = partsByID(disc)
	}
}

func (v *verifier) checkDossier() {
	err := errors.New("not checked: events, checkpoint, anchor or disclosure invalid")
	if v.parts != nil && v.cp != nil && v.anchor != nil {
		err = v.dossierMatches()
	}
	if err != nil {
		v.r.fail("dossier", "Le dossier présenté ne correspond pas aux événements", "The dossier shown does not match the events", err)
		return
	}
	v.r.ok("dossier", "dossier.json et dossier.html sont exactement ce que donnent les événements",
		"dossier.json and dossier.html are exactly what the events give")
}

func (v *verifier) dossierMatches() error {
	view, dj, dh, err := v.renderDossier()
	if err != nil {
		return err
	}
	if !bytes.Equal(dj, v.b.Docs[entryDossier]) {
		return errors.New("dossier.json differs")
	}
	if !bytes.Equal(dh, v.b.Docs[entryDossierHTM]) {
		return errors.New("dossier.html differs")
	}
	v.view = view
	return nil
}

// renderDossier computes the dossier from the events and v.parts, and
// its dossier.json and dossier.html.
func (v *verifier) renderDossier() (*DossierView, []byte, []byte, error) {
	full, err := foldEvents(v.events, v.parts, v.m.DossierID)
	if err != nil {
		return nil, nil, nil, err
	}
	lv := LogView{Origin: v.key.Name(), PublicKey: strings.TrimSpace(string(v.b.Docs[entryPublicKey])), TreeSize: v.cp.Size, SignedAt: v.cp.Time,
		SubmissionLeaf: v.proofs.Anchor.LeafIndex, AnchorTreeSize: v.anchor.Size, AnchorSignedAt: v.anchor.Time}
	view, err := full.view(v.m.DossierID, v.sel, lv)
	if err != nil {
		return nil, nil, nil, err
	}
	dj, dh, err := renderDossier(view)
	return view, dj, dh, err
}

func (v *verifier) checkFiles() {
	if v.view == nil {
		v.r.fail("files", "Fichiers non vérifiés : dossier invalide", "Files not checked: invalid dossier", nil)
		return
	}
	if v.view.Erased {
		v.r.add("files", StatusInfo, "Données de la personne effacées : fichiers absents", "The person's data was erased: no files")
		return
	}
	want := map[string]bool{}
	var problems []string
	for _, e := range v.view.Evidence {
		if e.Path == "" {
			continue
		}
		want[e.Path] = true
		f, ok := v.b.Files[e.Path]
		switch {
		case !ok:
			problems = append(problems, "missing "+e.Path)
		case f.Size != e.File.Size || sha256Hex(f.SHA256) != e.File.SHA256 || e.ContentHash != e.File.SHA256:
			problems = append(problems, fmt.Sprintf("%s has SHA-256 %s, its event records %s", e.Path, sha256Hex(f.SHA256), e.File.SHA256))
		}
	}
	for name := range v.b.Files {
		if !want[name] {
			problems = append(problems, "unexpected "+name)
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		v.r.fail("files", "Fichiers de preuve altérés", "Evidence files altered", errors.New(strings.Join(problems, ", ")))
		return
	}
	n := fmt.Sprint(len(want))
	v.r.ok("files", n+"/"+n+" fichiers de preuve conformes au SHA-256 enregistré dans leur événement",
		n+"/"+n+" evidence files match the SHA-256 recorded in their event")
}

// JSON returns the report as JSON, for scripts.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

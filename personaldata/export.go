package personaldata

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parcours/parcours/eventstore"
)

// ExportSummary says what an export holds.
type ExportSummary struct {
	Subject string `json:"subject"`
	Events  int    `json:"events"`
	Files   int    `json:"files"`
	Erased  bool   `json:"erased"`
}

// exportedEvent is one event as the export shows it: clear data, opened
// personal data, and the fields that prove it (hashes).
type exportedEvent struct {
	Stream     string          `json:"stream"`
	Revision   uint64          `json:"revision"`
	Position   string          `json:"position"`
	EventID    string          `json:"event_id"`
	Type       string          `json:"type"`
	RecordedAt time.Time       `json:"recorded_at"`
	Metadata   json.RawMessage `json:"metadata"`
	Data       json.RawMessage `json:"data"`
	Personal   json.RawMessage `json:"personal,omitempty"`
	Erased     bool            `json:"personal_erased,omitempty"`
	Hash       string          `json:"hash"`
}

// belongsTo reports whether e is part of subject's data: sealed for them,
// done by them, or in their own streams.
func belongsTo(e eventstore.Event, subject string, opened Opened) bool {
	if opened.Subject == subject || e.Stream == "portfolio-"+subject || e.Stream == "person-"+subject {
		return true
	}
	var m struct {
		Actor string `json:"actor"`
	}
	return json.Unmarshal(e.Metadata, &m) == nil && m.Actor == subject
}

// Export writes one zip with all of subject's data (GDPR art. 20): their
// events in JSON with personal parts opened, their files as they were
// uploaded, and a README in French and English. It reads the whole global
// log, so it is an administrative operation, not a hot path.
func Export(ctx context.Context, w io.Writer, store eventstore.Store, ring *Keyring, files *Files, subject string, now time.Time) (ExportSummary, error) {
	if err := ValidateSubject(subject); err != nil {
		return ExportSummary{}, err
	}
	sum := ExportSummary{Subject: subject}
	if _, err := ring.key(ctx, subject, false); errors.Is(err, ErrErased) {
		sum.Erased = true
	}
	var events []exportedEvent
	for from := eventstore.Start; ; {
		page, err := store.ReadAll(ctx, from, 1000)
		if err != nil {
			return sum, fmt.Errorf("export %s: %w", subject, err)
		}
		for _, e := range page {
			opened, err := ring.OpenData(ctx, BindingOf(e), e.Data)
			if err != nil {
				return sum, fmt.Errorf("export %s: event %s@%d: %w", subject, e.Stream, e.Revision, err)
			}
			if !belongsTo(e, subject, opened) {
				continue
			}
			ex := exportedEvent{Stream: e.Stream, Revision: e.Revision, Position: e.Position.String(), EventID: e.ID.String(),
				Type: e.Type, RecordedAt: e.RecordedAt, Metadata: e.Metadata, Data: e.Data, Hash: e.Hash.String()}
			if opened.Subject == subject {
				ex.Personal, ex.Erased = opened.Personal, opened.Erased
			}
			events = append(events, ex)
		}
		if len(page) < 1000 {
			break
		}
		from = page[len(page)-1].Position
	}
	sum.Events = len(events)
	zw := zip.NewWriter(w)
	if err := writeJSON(zw, "events.json", events, now); err != nil {
		return sum, err
	}
	ids, err := ring.store.FileIDs(ctx, subject)
	if err != nil {
		return sum, fmt.Errorf("export %s: %w", subject, err)
	}
	for _, id := range ids {
		if err := copyFile(ctx, zw, files, id, now); err != nil {
			return sum, err
		}
	}
	sum.Files = len(ids)
	if err := writeJSON(zw, "person.json", map[string]any{"subject": subject, "exported_at": now.UTC(), "events": sum.Events, "files": ids, "erased": sum.Erased}, now); err != nil {
		return sum, err
	}
	if err := writeFile(zw, "LISEZMOI-README.txt", []byte(exportReadme), now); err != nil {
		return sum, err
	}
	if err := zw.Close(); err != nil {
		return sum, fmt.Errorf("export %s: %w", subject, err)
	}
	return sum, nil
}

func writeJSON(zw *zip.Writer, name string, v any, now time.Time) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return writeFile(zw, name, b, now)
}

func writeFile(zw *zip.Writer, name string, b []byte, now time.Time) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	if err == nil {
		_, err = f.Write(b)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return nil
}

func copyFile(ctx context.Context, zw *zip.Writer, files *Files, id string, now time.Time) error {
	r, _, err := files.Open(ctx, id)
	if err != nil {
		return fmt.Errorf("export file %s: %w", id, err)
	}
	defer r.Close()
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "files/" + id, Method: zip.Deflate, Modified: now})
	if err == nil {
		_, err = io.Copy(f, r)
	}
	if err != nil {
		return fmt.Errorf("export file %s: %w", id, err)
	}
	return nil
}

const exportReadme = `Export de vos données — Parcours
================================

Ce fichier zip contient toutes vos données personnelles enregistrées dans
Parcours (droit à la portabilité, article 20 du RGPD) :

- events.json : chaque événement de votre portfolio, dans l'ordre, avec sa
  partie en clair ("data"), vos données personnelles déchiffrées
  ("personal"), qui l'a fait ("metadata") et son empreinte ("hash") ;
- files/ : vos fichiers (preuves, documents), tels que vous les avez déposés ;
  leur nom est leur identifiant ; events.json indique leur empreinte SHA-256 ;
- person.json : un résumé de l'export.

Ces fichiers se lisent sans Parcours : JSON avec tout éditeur de texte,
fichiers avec le logiciel habituel de leur type.

Export of your data — Parcours
==============================

This zip holds all of your personal data kept by Parcours (right to data
portability, GDPR article 20):

- events.json: every event of your portfolio, in order, with its clear part
  ("data"), your personal data decrypted ("personal"), who did it
  ("metadata") and its hash ("hash");
- files/: your files (evidence, documents) as you uploaded them, named by
  their ID; events.json gives their SHA-256;
- person.json: a summary of the export.

They can be read without Parcours: JSON with any text editor, files with the
usual program for their type.
`

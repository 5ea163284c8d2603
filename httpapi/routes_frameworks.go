package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/frameworks"
	"github.com/parcours/parcours/projections"
)

// FrameworkList answers GET /v1/frameworks: the version in force of each
// kind imported.
type FrameworkList struct {
	Frameworks []FrameworkSummary `json:"frameworks"`
}

// FrameworkSummary is one kind's version in force.
type FrameworkSummary struct {
	Kind     domain.FrameworkKind `json:"kind"`
	Version  int                  `json:"version"`
	Label    string               `json:"label,omitempty"`
	Source   string               `json:"source"`
	Checksum string               `json:"checksum"`
	Counts   map[string]int       `json:"counts"`
	At       time.Time            `json:"at"`
}

// FrameworkVersions answers the imports of one kind.
type FrameworkVersions struct {
	Kind     domain.FrameworkKind      `json:"kind"`
	Versions []domain.FrameworkVersion `json:"versions"`
}

// FrameworkSearchResult answers a search.
type FrameworkSearchResult struct {
	Query string                     `json:"q"`
	Hits  []projections.FrameworkHit `json:"hits"`
}

func (s *Server) frameworkRoutes() []route {
	const tag = "frameworks"
	return []route{
		{Method: "GET", Pattern: "/v1/frameworks", ID: "listFrameworks", Summary: "The reference frameworks imported (RNCP, ROME, ESCO): each one's version in force", Tag: tag,
			Response: FrameworkList{}, Status: http.StatusOK, Handle: s.listFrameworks},
		{Method: "GET", Pattern: "/v1/frameworks/search", ID: "searchFrameworks", Summary: "Search the frameworks as one types: entries whose labels hold words beginning with each word of q, whatever the case and accents", Tag: tag,
			Description: "`q` (2 letters or more a word), `kind` (rncp, rome or esco; repeat it or give none for all), `lang` (fr, the default, or en: the label shown first), " +
				"`limit` (1 to 50, default 20), `linkable=true` for the entries a competence may link to (their `framework` and `code` go in a competence's `framework`). " +
				"A code (K1201, RNCP37274) finds its entry first.",
			Query: []string{"q", "kind", "lang", "limit", "linkable"}, Response: FrameworkSearchResult{}, Status: http.StatusOK, Handle: s.searchFrameworks},
		{Method: "GET", Pattern: "/v1/frameworks/{kind}/versions", ID: "listFrameworkVersions", Summary: "Every import of a framework, the oldest first (version, source files, checksum, counts)", Tag: tag,
			Response: FrameworkVersions{}, Status: http.StatusOK, Handle: s.frameworkVersions},
		{Method: "POST", Pattern: "/v1/frameworks/{kind}/imports", ID: "importFramework", Tag: tag, RawBody: true, Long: true,
			Summary: "Import a new version of a framework from its open-data files (the operator only)",
			Description: "The body is one file as published, or a zip of them: RNCP, France Compétences' XML export or its Standard and Blocs_De_Compétences CSV; " +
				"ROME, France Travail's unix_referentiel_code_rome, _appellation and _competence CSV; ESCO, skills_fr.csv, skills_en.csv, occupations_fr.csv and occupations_en.csv. " +
				"`name` is the file's name (ESCO's tells the language); `label` the publisher's name of the release (v460). At most 128 MiB (413 past it). " +
				"A file that cannot be read is refused (422, naming the file and the line) and nothing is imported; the same files as the version in force are a conflict (409). " +
				"The answer's `id` is the new version.",
			Query: []string{"name", "label"}, Headers: []string{"Idempotency-Key", "If-Match", "Content-Disposition"},
			Response: CommandResult{}, Status: http.StatusOK, Handle: s.importFramework}, // 201 when imported, 200 on a replay
	}
}

func (s *Server) listFrameworks(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	if err := s.deps.Commands.AuthorizeFrameworkRead(r.Context(), a); err != nil {
		return err
	}
	cur, err := s.deps.Queries.CurrentFrameworks(r.Context())
	if err != nil {
		return err
	}
	out := FrameworkList{Frameworks: []FrameworkSummary{}}
	for _, k := range domain.FrameworkKinds {
		if v, ok := cur[k]; ok {
			out.Frameworks = append(out.Frameworks, FrameworkSummary{Kind: k, Version: v.Version, Label: v.Label, Source: v.Source, Checksum: v.Checksum, Counts: v.Counts, At: v.At})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) searchFrameworks(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	fq, err := frameworkQuery(r)
	if err != nil {
		return err
	}
	if err := s.deps.Commands.AuthorizeFrameworkRead(r.Context(), a); err != nil {
		return err
	}
	hits, err := s.deps.Queries.FrameworkSearch(r.Context(), fq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, FrameworkSearchResult{Query: fq.Q, Hits: hits})
	return nil
}

// frameworkQuery reads a search's parameters (q, kind, lang, limit,
// linkable); the pages use it too.
func frameworkQuery(r *http.Request) (projections.FrameworkQuery, error) {
	v := r.URL.Query()
	fq := projections.FrameworkQuery{Q: strings.TrimSpace(v.Get("q")), Lang: v.Get("lang"), Limit: 20}
	if len(fq.Q) > 200 {
		return fq, invalidParam("q", "at most 200 characters")
	}
	for _, k := range v["kind"] {
		if k == "" {
			continue
		}
		if !domain.FrameworkKind(k).Valid() {
			return fq, invalidParam("kind", "must be rncp, rome or esco")
		}
		fq.Kinds = append(fq.Kinds, domain.FrameworkKind(k))
	}
	if fq.Lang != "" && fq.Lang != "fr" && fq.Lang != "en" {
		return fq, invalidParam("lang", "must be fr or en")
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > projections.MaxFrameworkHits {
			return fq, invalidParam("limit", "must be from 1 to "+strconv.Itoa(projections.MaxFrameworkHits))
		}
		fq.Limit = n
	}
	switch v.Get("linkable") {
	case "", "false":
	case "true":
		fq.Linkable = true
	default:
		return fq, invalidParam("linkable", "must be true or false")
	}
	return fq, nil
}

func (s *Server) frameworkVersions(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	kind := domain.FrameworkKind(param(r, "kind"))
	versions, err := s.deps.Commands.FrameworkVersions(r.Context(), a, kind)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, FrameworkVersions{Kind: kind, Versions: versions})
	return nil
}

func (s *Server) importFramework(w http.ResponseWriter, r *http.Request) error {
	call, err := s.call(r)
	if err != nil {
		return err
	}
	kind := domain.FrameworkKind(param(r, "kind"))
	if !kind.Valid() {
		return &domain.Error{Kind: domain.KindNotFound, Field: "kind", Reason: "no framework " + string(kind)}
	}
	// Refuse before reading a body that may be large.
	if call.Actor.Role != domain.RoleOperator {
		return &domain.Error{Kind: domain.KindForbidden, Reason: "only the platform operator imports reference frameworks"}
	}
	const limit = frameworks.MaxInput
	if r.ContentLength > limit {
		return errStatus(http.StatusRequestEntityTooLarge, "too-large", "Files too large", fmt.Sprintf("an import is limited to %d bytes", limit))
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(transferTime))
	name := uploadName(r)
	if name == "" {
		name = "upload"
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, limit)}
	in, err := frameworks.Read(kind, frameworks.File{Name: name, Body: body})
	if berr := body.failure(limit); berr != nil {
		return berr
	}
	if err != nil {
		return err
	}
	in.Label = r.URL.Query().Get("label")
	res, err := s.deps.Commands.ImportFramework(ctx, call, commands.ImportFramework{Kind: kind, FrameworkImport: in})
	var ce *eventstore.ConflictError
	if call.IfRevision != nil && errors.As(err, &ce) {
		return preconditionFailed(ce)
	}
	if err != nil {
		return err
	}
	if err := s.waitIfAsked(r, res); err != nil {
		return err
	}
	w.Header().Set("ETag", fmt.Sprintf(`"%d"`, res.Revision))
	status := http.StatusOK
	if !res.Replayed {
		status = http.StatusCreated
	}
	writeJSON(w, status, CommandResult{Stream: res.Stream, Revision: res.Revision, Position: res.Position.String(), Events: res.Events, ID: res.ID, Replayed: res.Replayed})
	return nil
}

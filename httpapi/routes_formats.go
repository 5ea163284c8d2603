package httpapi

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/personaldata"
)

// ImportAnswer answers an import or its preview: what each step of the
// file became (added, already present, refused and why), and what the
// file held that was not understood.
type ImportAnswer struct {
	Format        formats.Format          `json:"format"`
	Preview       bool                    `json:"preview"`
	Added         int                     `json:"added"`
	Present       int                     `json:"present"`
	Refused       int                     `json:"refused"`
	Steps         []commands.ImportedStep `json:"steps"`
	NotUnderstood []formats.Note          `json:"not_understood"`
	// Revision and Position say where the import's events landed (none
	// in a preview, or when nothing was added).
	Revision *uint64 `json:"revision,omitempty"`
	Position string  `json:"position,omitempty"`
}

func (s *Server) importRoutes() []route {
	const desc = "The body is the file as is: a LEAP2A zip (as Mahara exports it, with its files), a JSON Resume document or a Europass CV XML " +
		"(2020, root Candidate); format=leap2a, jsonresume or europass, or none to tell it from the bytes (a file that is not what format says is 415). " +
		"For the owner and their assigned counsellors. Each item becomes the ordinary command that adds it, with an ID derived from the portfolio " +
		"and the item's place in the file, so importing the same file again adds nothing (present). Files are typed by their bytes (as uploads) " +
		"and encrypted with the owner's key. Bounded: 64 MiB, 2,000 zip entries, 512 MiB unpacked, no entry 100 times larger than it is stored, " +
		"no DOCTYPE or entity in XML, 200,000 XML elements or JSON values (413, 415 or 422, nothing changed)."
	return []route{
		{Method: "POST", Pattern: pp + "/imports/preview", ID: "previewImport", Tag: "imports", RawBody: true, Long: true,
			Summary:     "Preview the import of a LEAP2A zip, a JSON Resume document or a Europass CV: what would be added, and what was not understood",
			Description: desc + " Nothing is changed.", Query: []string{"format"}, Response: ImportAnswer{}, Status: http.StatusOK,
			Handle: s.importFile(true)},
		{Method: "POST", Pattern: pp + "/imports", ID: "importFile", Tag: "imports", RawBody: true, Long: true,
			Summary:     "Import a LEAP2A zip, a JSON Resume document or a Europass CV into the portfolio",
			Description: desc + " The events of one import are appended together (If-Match makes it conditional; Idempotency-Key and Prefer: wait as for commands).",
			Query:       []string{"format"}, Headers: []string{"Idempotency-Key", "If-Match", "Prefer"}, Response: ImportAnswer{}, Status: http.StatusOK,
			Handle: s.importFile(false)},
	}
}

func (s *Server) importFile(preview bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		call, err := s.call(r)
		if err != nil {
			return err
		}
		id := pid(r)
		if err := s.deps.Commands.AuthorizeImport(r.Context(), call.Actor, id); err != nil {
			return err
		}
		format := formats.Format(r.URL.Query().Get("format"))
		switch format {
		case "", formats.LEAP2A, formats.JSONResume, formats.Europass:
		default:
			return invalidParam("format", "must be leap2a, jsonresume or europass")
		}
		limits := formats.DefaultLimits()
		data, err := readImport(w, r, limits.MaxFile)
		if err != nil {
			return err
		}
		items, err := formats.Parse(data, format, limits)
		if err != nil {
			return importProblem(err)
		}
		sum := sha256.Sum256(data)
		data = nil // the zip's entries keep what they need
		steps := items.Steps(id, time.Now(), s.importStore(id))
		ctx, cancel := context.WithTimeout(r.Context(), transferTime)
		defer cancel()
		rep, err := s.deps.Commands.Import(ctx, call, id, hex.EncodeToString(sum[:]), steps, preview)
		var ce *eventstore.ConflictError
		if call.IfRevision != nil && errors.As(err, &ce) {
			return preconditionFailed(ce)
		}
		if err != nil {
			return err
		}
		ans := ImportAnswer{Format: items.Format, Preview: rep.Preview, Added: rep.Added, Present: rep.Present, Refused: rep.Refused,
			Steps: rep.Steps, NotUnderstood: items.Notes}
		if ans.Steps == nil {
			ans.Steps = []commands.ImportedStep{}
		}
		if ans.NotUnderstood == nil {
			ans.NotUnderstood = []formats.Note{}
		}
		if res := rep.Result; res.Events > 0 || res.Replayed {
			if err := s.waitIfAsked(r, res); err != nil {
				return err
			}
			rev := res.Revision
			ans.Revision, ans.Position = &rev, res.Position.String()
			w.Header().Set("ETag", fmt.Sprintf(`"%d"`, res.Revision))
		}
		writeJSON(w, http.StatusOK, ans)
		return nil
	}
}

// readImport reads the body, at most limit bytes.
func readImport(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(transferTime))
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, limit)}
	data, err := io.ReadAll(body)
	if ferr := body.failure(limit); ferr != nil {
		return nil, ferr
	}
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, &httpError{status: http.StatusUnprocessableEntity, kind: "invalid", title: "Invalid request", detail: "the file is empty",
			fields: []FieldProblem{{Field: "body", Detail: "must not be empty"}}}
	}
	return data, nil
}

// importProblem answers a file formats refused: too large (413), not
// what it was sent as (415), malformed (422).
func importProblem(err error) error {
	var fe *formats.FileError
	if !errors.As(err, &fe) {
		return err
	}
	switch {
	case fe.TooLarge:
		return errStatus(http.StatusRequestEntityTooLarge, "too-large", "File too large", fe.Reason)
	case fe.Unsupported:
		return errStatus(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported file", fe.Reason)
	}
	return &httpError{status: http.StatusUnprocessableEntity, kind: "invalid", title: "Invalid file", detail: fe.Reason,
		fields: []FieldProblem{{Field: "body", Detail: fe.Reason}}}
}

// placeholderRef stands for a file in a preview.
var placeholderRef = strings.Repeat("0", 64)

// importStore checks (preview) or stores a file of an import for
// portfolio id: typed by its bytes as uploads are, refused (that step
// alone) when its bytes are not an accepted type or not the type the file
// says it has.
func (s *Server) importStore(id string) formats.StoreFunc {
	return func(ctx context.Context, f *formats.File, store bool) (domain.FileRef, error) {
		if s.deps.Files == nil {
			return domain.FileRef{}, errUnavailable("file storage")
		}
		limit := s.deps.MaxUploadBytes
		if limit <= 0 {
			limit = DefaultMaxUpload
		}
		refuse := func(format string, args ...any) (domain.FileRef, error) {
			return domain.FileRef{}, &domain.Error{Kind: domain.KindInvalid, Field: "file", Reason: f.Name + ": " + fmt.Sprintf(format, args...)}
		}
		if f.Size > limit {
			return refuse("larger than %d bytes", limit)
		}
		rc, err := f.Open()
		if err != nil {
			return refuse("%v", err)
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, sniffLen)
		head, err := br.Peek(sniffLen)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return refuse("%v", err)
		}
		mt := sniff(head)
		if mt == "" {
			return refuse("its bytes are not an accepted type (PDF, images, MP4, MP3, UTF-8 text, OpenDocument, DOCX), whatever it says (%s)", orNone(f.Type))
		}
		if said := baseType(f.Type); said != "" && said != baseType(mt) && accepted(said) {
			return refuse("it says it is %s but its bytes are %s", said, baseType(mt))
		}
		if !store {
			return domain.FileRef{FileID: placeholderRef, SHA256: placeholderRef, Size: f.Size, MediaType: mt}, nil
		}
		ref, err := s.deps.Files.Put(ctx, id, br, limit)
		var fe *formats.FileError
		switch {
		case errors.As(err, &fe):
			return refuse("%s", fe.Reason)
		case errors.Is(err, personaldata.ErrFileTooLarge):
			return refuse("larger than %d bytes", limit)
		case err != nil:
			return domain.FileRef{}, err
		}
		return domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: mt}, nil
	}
}

func baseType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return ""
	}
	return mt
}

func accepted(mt string) bool {
	for _, a := range allowedTypes {
		if baseType(a) == mt {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "no type"
	}
	return s
}

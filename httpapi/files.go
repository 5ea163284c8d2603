package httpapi

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
)

// UploadedFile answers an upload: put File as it is in the file field of
// AttachEvidence or AddDocument, and Name in their text.file_name.
type UploadedFile struct {
	File domain.FileRef `json:"file"`
	// Name is the file's name from ?name= or Content-Disposition, made
	// safe (no path, no control character, at most 255 bytes); "" if none.
	Name string `json:"name"`
}

// DefaultMaxUpload bounds an evidence file unless Deps says otherwise.
const DefaultMaxUpload = 50 << 20

// transferTime bounds an upload or a download (a slow link moving 50 MiB),
// instead of the server's 60 s read and write timeouts.
const transferTime = 10 * time.Minute

func (s *Server) fileRoutes() []route {
	return []route{
		{Method: "POST", Pattern: pp + "/files", ID: "uploadFile", Tag: "evidence", RawBody: true, Long: true,
			Summary: "Store a file (the request body, as is) for evidence or a document; answers its reference",
			Description: "The owner of the portfolio only. The media type is sniffed from the bytes (the Content-Type sent is ignored) and must be " +
				"one of PDF, PNG, JPEG, GIF, WebP, MP4, MP3, UTF-8 plain text, OpenDocument text/spreadsheet/presentation or DOCX (415 otherwise); " +
				"the size is limited (50 MiB by default, 413 past it). The file is encrypted with the owner's key.",
			Query: []string{"name"}, Headers: []string{"Content-Disposition"},
			Response: UploadedFile{}, Status: http.StatusCreated, Handle: s.uploadFile},
		{Method: "GET", Pattern: pp + "/files/{fileID}", ID: "downloadFile", Tag: "evidence", Long: true,
			Summary: "Download a file, as an attachment",
			Description: "For the owner; an assigned counsellor (evidence, and documents shared with them); a tutor for evidence in their scope; " +
				"an auditor for evidence mapped in a dossier they hold a grant on. Served with its sniffed type, nosniff, a sandboxing " +
				"Content-Security-Policy and Content-Disposition: attachment. 410 once the owner was erased.",
			Produces: allowedTypes, Status: http.StatusOK, Handle: s.downloadFile},
	}
}

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	id := pid(r)
	if s.deps.Files == nil {
		return errUnavailable("file storage")
	}
	if err := s.deps.Commands.AuthorizeUpload(r.Context(), a, id); err != nil {
		return err
	}
	limit := s.deps.MaxUploadBytes
	if limit <= 0 {
		limit = DefaultMaxUpload
	}
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	name := uploadName(r)
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(transferTime)) // not every writer supports deadlines
	_ = rc.SetWriteDeadline(time.Now().Add(transferTime + time.Minute))
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, limit+1)}
	br := bufio.NewReaderSize(body, sniffLen)
	head, _ := br.Peek(sniffLen)
	if err := body.failure(limit); err != nil {
		return err
	}
	if len(head) == 0 {
		return &httpError{status: http.StatusUnprocessableEntity, kind: "invalid", title: "Invalid request", detail: "the file is empty",
			fields: []FieldProblem{{Field: "body", Detail: "must not be empty"}}}
	}
	mt := sniff(head)
	if mt == "" {
		return errStatus(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported file type",
			"accepted: PDF, PNG, JPEG, GIF, WebP, MP4, MP3, UTF-8 plain text, OpenDocument, DOCX (the type is read from the bytes)")
	}
	ref, err := s.deps.Files.Put(ctx, id, br, limit)
	if err != nil {
		if berr := body.failure(limit); berr != nil {
			return berr
		}
		if errors.Is(err, personaldata.ErrFileTooLarge) {
			return tooLarge(limit)
		}
		return err
	}
	writeJSON(w, http.StatusCreated, UploadedFile{Name: name,
		File: domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: mt}})
	return nil
}

func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request) error {
	a, _ := actorFrom(r.Context())
	id, fileID := pid(r), param(r, "fileID")
	if s.deps.Files == nil {
		return errUnavailable("file storage")
	}
	use, err := s.deps.Commands.AuthorizeFileRead(r.Context(), a, id, fileID)
	var de *domain.Error
	if errors.As(err, &de) && de.Field == "file" && s.erased(r.Context(), id) {
		// The portfolio's references to its files went with the owner's
		// key: whoever may read the portfolio learns that it was erased.
		return personaldata.ErrErased
	}
	if err != nil {
		return err
	}
	noFile := &domain.Error{Kind: domain.KindNotFound, Field: "file", Reason: "no file " + fileID}
	if b, err := hex.DecodeString(fileID); err != nil || len(b) != 32 {
		return noFile
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	content, owner, err := s.deps.Files.Open(ctx, fileID)
	if errors.Is(err, personaldata.ErrErased) && !use.Used && !s.erased(ctx, id) {
		return noFile // the store cannot tell an unknown file from an erased one; the owner's key can
	}
	if err != nil {
		return err
	}
	defer content.Close()
	if owner != id {
		return noFile
	}
	// The type served is the one sniffed at upload, read again from the
	// bytes: an event cannot make a file be served as something else.
	br := bufio.NewReaderSize(content, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("read file %s: %w", fileID, err)
	}
	mt := sniff(head)
	if mt == "" {
		mt = "application/octet-stream"
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	h := w.Header()
	h.Set("Content-Type", mt)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", attachment(use.Name, fileID, mt))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, br); err != nil {
		// Altered bytes fail authentication mid-way: cut the response so
		// that the client cannot take it for the whole file.
		s.log.ErrorContext(r.Context(), "download cut", "file", fileID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// erased reports whether the owner of portfolio id was erased.
func (s *Server) erased(ctx context.Context, id string) bool {
	if s.deps.Keyring == nil {
		return false
	}
	erased, err := s.deps.Keyring.Erased(ctx, id)
	return err == nil && erased
}

// bodyReader remembers why reading the request body failed.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

// failure turns a body read failure into its problem: too large, or a
// body the client did not finish sending.
func (b *bodyReader) failure(limit int64) error {
	var mbe *http.MaxBytesError
	switch {
	case b.err == nil:
		return nil
	case errors.As(b.err, &mbe):
		return tooLarge(limit)
	}
	return errStatus(http.StatusBadRequest, "bad-body", "Unreadable body", "the upload was cut before its end")
}

func tooLarge(limit int64) error {
	return errStatus(http.StatusRequestEntityTooLarge, "too-large", "File too large", fmt.Sprintf("files are limited to %d bytes", limit))
}

func errUnavailable(what string) error {
	return errStatus(http.StatusServiceUnavailable, "unavailable", "Unavailable", what+" is not configured on this server")
}

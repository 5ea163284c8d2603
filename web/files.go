package web

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/personaldata"
)

// Evidence files: received with a form, streamed into the encrypted file
// store (never written to disk in clear, unlike http.Request's
// ParseMultipartForm), and served back to who may see them.

// defaultMaxUpload bounds a file unless Deps says otherwise (as the API).
const defaultMaxUpload = 50 << 20

// transferTime bounds an upload or a download on a slow phone link,
// beyond the 60 s other requests get.
const transferTime = 10 * time.Minute

func (s *Server) maxUpload() int64 {
	if s.deps.MaxUploadBytes > 0 {
		return s.deps.MaxUploadBytes
	}
	return defaultMaxUpload
}

// upload is a file received with a form and stored.
type upload struct {
	File domain.FileRef
	Name string
}

// readUploadForm reads a multipart form whose fields come before its file
// (the order browsers send a form in): the values, and the file of field
// "file" stored for the beneficiary a. problem is the catalog key of what
// was wrong with the file ("" if nothing); err is a failure to answer as
// such.
func (s *Server) readUploadForm(w http.ResponseWriter, r *http.Request, a domain.Actor) (v url.Values, up *upload, problem string, err error) {
	limit := s.maxUpload()
	v = url.Values{}
	if r.ContentLength > limit+maxForm {
		return v, nil, "me.file.large", nil
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(transferTime)) // not every writer supports deadlines
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return v, nil, "", err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return v, up, problem, nil
		}
		if err != nil {
			return v, up, readProblem(err), nil
		}
		if part.FormName() != "file" {
			b, err := io.ReadAll(io.LimitReader(part, maxForm+1))
			if err != nil || len(b) > maxForm {
				return v, up, readProblem(err), nil
			}
			v.Add(part.FormName(), string(b))
			continue
		}
		if up != nil || part.FileName() == "" {
			continue // one file; an empty file input sends an empty part
		}
		if up, problem, err = s.storeUpload(r.Context(), a, part, limit); err != nil || problem == "me.file.large" {
			return v, up, problem, err
		}
	}
}

// storeUpload stores one file part for a, once it is allowed (the
// command's rule: the owner only) and of a type this site stores.
func (s *Server) storeUpload(ctx context.Context, a domain.Actor, part *multipart.Part, limit int64) (*upload, string, error) {
	if s.deps.Files == nil {
		return nil, "me.file.unavailable", nil
	}
	if err := s.deps.Commands.AuthorizeUpload(ctx, a, a.PersonID); err != nil {
		return nil, "", err
	}
	br := bufio.NewReaderSize(part, sniffLen)
	head, _ := br.Peek(sniffLen)
	if len(head) == 0 {
		return nil, "me.file.empty", nil
	}
	mt := fileType(head)
	if mt == "" {
		return nil, "me.file.type", nil
	}
	// The upload outlives the pages' usual 60 s, not the person leaving:
	// a cut body fails the read.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), transferTime)
	defer cancel()
	ref, err := s.deps.Files.Put(ctx, a.PersonID, br, limit)
	if err != nil {
		if p := readProblem(err); errors.Is(err, personaldata.ErrFileTooLarge) || p == "me.file.large" {
			return nil, "me.file.large", nil
		}
		s.log.WarnContext(ctx, "upload failed", slog.String("person", a.PersonID), slog.Any("err", err))
		return nil, "me.file.cut", nil
	}
	return &upload{Name: cleanFileName(part.FileName()),
		File: domain.FileRef{FileID: ref.ID, SHA256: hex.EncodeToString(ref.SHA256[:]), Size: ref.Size, MediaType: mt}}, "", nil
}

// readProblem names why reading a posted body failed.
func readProblem(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "me.file.large"
	}
	return "me.file.cut"
}

// discard removes a stored file that no evidence uses after all.
func (s *Server) discard(ctx context.Context, up *upload) {
	if up == nil || s.deps.Files == nil {
		return
	}
	if err := s.deps.Files.Remove(up.File.FileID); err != nil {
		s.log.WarnContext(ctx, "remove unused upload", slog.String("file", up.File.FileID), slog.Any("err", err))
	}
}

// meFile serves one of the beneficiary's files (an image in their
// overview, a download), after the same check as the API's download.
func (s *Server) meFile(w http.ResponseWriter, r *http.Request) {
	a, ok := s.beneficiary(w, r)
	if !ok {
		return
	}
	fileID := chi.URLParam(r, "fileID")
	use, err := s.deps.Commands.AuthorizeFileRead(r.Context(), a, a.PersonID, fileID)
	if err == nil && !use.Used {
		err = &domain.Error{Kind: domain.KindNotFound, Field: "file", Reason: "no file " + fileID}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveFile(w, r, a.PersonID, fileID, use.Name)
}

// serveFile sends stored file fileID of portfolio owner: typed again from
// its bytes, in a sandbox, never cached by a shared cache.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, owner, fileID, name string) {
	notFound := func() { s.errorPage(w, r, http.StatusNotFound, words.T(language(r), "error.notfound"), "") }
	if b, err := hex.DecodeString(fileID); err != nil || len(b) != 32 || s.deps.Files == nil {
		notFound()
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), transferTime)
	defer cancel()
	content, holder, err := s.deps.Files.Open(ctx, fileID)
	if errors.Is(err, personaldata.ErrErased) || err == nil && holder != owner {
		if err == nil {
			content.Close()
		}
		notFound()
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer content.Close()
	br := bufio.NewReaderSize(content, sniffLen)
	head, _ := br.Peek(sniffLen)
	mt := fileType(head)
	if mt == "" {
		mt = "application/octet-stream"
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	h := w.Header()
	securityHeaders(h, true)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Type", mt)
	h.Set("Content-Disposition", disposition(mt, name))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, br); err != nil {
		// Altered bytes fail authentication mid-way: cut the answer so that
		// it cannot pass for the whole file.
		s.log.ErrorContext(r.Context(), "file cut", slog.String("file", fileID), slog.Any("err", err))
		panic(http.ErrAbortHandler)
	}
}

package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/formats"
	"github.com/parcours/parcours/resume"
)

const (
	typeXML = "application/xml"
	typeZip = "application/zip"
)

// writeEuropass answers d as a Europass CV, whole before the first byte.
func writeEuropass(w http.ResponseWriter, d resume.Document, lang resume.Lang, name string) error {
	var buf bytes.Buffer
	if err := formats.WriteEuropass(&buf, d, lang); err != nil {
		return err
	}
	w.Header().Set("Content-Type", typeXML+"; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", attachment(name+" Europass.xml", "", typeXML))
	_, err := buf.WriteTo(w)
	return err
}

// writeLEAP2A streams x as a LEAP2A zip with the evidence files, read
// from the store (each checked to be the portfolio's). A failure once
// the zip has started cuts the response, so that it is not taken whole.
func (s *Server) writeLEAP2A(w http.ResponseWriter, r *http.Request, x formats.LEAP2AExport) error {
	if s.deps.Files == nil {
		return errUnavailable("file storage")
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	open := func(ctx context.Context, fileID string) (io.ReadCloser, error) {
		rc, owner, err := s.deps.Files.Open(ctx, fileID)
		if err != nil {
			return nil, err
		}
		if owner != x.PortfolioID {
			rc.Close()
			return nil, &domain.Error{Kind: domain.KindNotFound, Field: "file", Reason: "no file " + fileID}
		}
		return rc, nil
	}
	h := w.Header()
	h.Set("Content-Type", typeZip)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", attachment(x.Title+" LEAP2A.zip", "", typeZip))
	h.Set("Cache-Control", "private, no-store")
	if err := formats.WriteLEAP2A(ctx, w, x, open); err != nil {
		s.log.ErrorContext(r.Context(), "LEAP2A export cut", "portfolio", x.PortfolioID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

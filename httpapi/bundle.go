package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/parcours/parcours/commands"
)

// BundleFunc writes the evidence bundle of a VAE dossier (auditlog): the
// dossier, the portfolio's events, proofs, the checkpoint, the public key
// and the evidence files. ErrBundlePending means the submission is not yet
// covered by a signed checkpoint.
type BundleFunc func(ctx context.Context, portfolioID, dossierID string, w io.Writer) error

// ErrBundlePending: the dossier's submission is not yet anchored in a
// signed checkpoint (retry in a moment).
var ErrBundlePending = errors.New("the submission is not yet covered by a signed checkpoint")

func (s *Server) bundleRoutes() []route {
	return []route{{Method: "GET", Pattern: pp + "/dossiers/{dossierID}/bundle", ID: "getDossierBundle", Tag: "audit", Long: true,
		Summary: "The evidence bundle of a submitted VAE dossier, for its auditor: check it offline with `parcours verify BUNDLE.zip`",
		Description: "For the auditor holding an active grant on the dossier, the owner and their counsellors. " +
			"409 while the submission is not yet covered by a signed checkpoint.",
		Produces: []string{"application/zip"}, Status: http.StatusOK, Handle: s.getBundle}}
}

func (s *Server) getBundle(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Bundles == nil {
		return errUnavailable("bundles")
	}
	a, _ := actorFrom(r.Context())
	d := param(r, "dossierID")
	if err := s.deps.Commands.AuthorizeRead(r.Context(), a, pid(r), commands.ReadDossier, d); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTime)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(transferTime))
	zw := &lazyWriter{w: w, header: func(h http.Header) {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="parcours-dossier-`+d+`.zip"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
	}}
	if err := s.deps.Bundles(ctx, pid(r), d, zw); err != nil {
		if zw.started {
			s.log.ErrorContext(r.Context(), "bundle cut", "dossier", d, "err", err)
			panic(http.ErrAbortHandler) // a cut zip must not pass for a whole one
		}
		if errors.Is(err, ErrBundlePending) {
			return errStatus(http.StatusConflict, "bundle-pending", "Not yet anchored", "the submission is not yet covered by a signed checkpoint: retry in a moment")
		}
		return err
	}
	return nil
}

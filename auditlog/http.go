package auditlog

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/parcours/parcours/eventstore"
	"golang.org/x/mod/sumdb/tlog"
)

// Handler serves the log's public, read-only endpoints (standard library
// only; patterns carry the full path, so it works alone or mounted under
// /v1/audit by a router that keeps the request path, as chi's Mount does):
//
//	GET /v1/audit/public-key                  the verifier key, text/plain
//	GET /v1/audit/checkpoint[?size=N]         the latest signed checkpoint (or
//	                                          the one of size N), text/plain
//	GET /v1/audit/inclusion?event=ID[&size=N] inclusion proof of an event (by
//	    /v1/audit/inclusion?position=HI.LO    ID or global position) in the tree
//	                                          of size N (default: latest checkpoint)
//	GET /v1/audit/consistency?old=N&new=M     consistency proof between two sizes
//
// Proofs are JSON; hashes are base64 (as in checkpoints). Errors are
// application/problem+json (RFC 9457): 400 for a malformed or
// out-of-range request, 404 for an unknown event or checkpoint.
//
// Authorization: public read, no credential. The endpoints reveal only
// hashes, tree sizes and the public key: an event hash is SHA-256 over
// bytes whose personal fields are sealed, and an event ID is a random
// UUID that only those who may see the event learn. Which dossier was
// anchored where is not served here (it would say who submitted a VAE
// dossier); it travels in the bundle an auditor with a grant downloads.
func (l *Log) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/audit/public-key", l.servePublicKey)
	mux.HandleFunc("GET /v1/audit/checkpoint", l.serveCheckpoint)
	mux.HandleFunc("GET /v1/audit/inclusion", l.serveInclusion)
	mux.HandleFunc("GET /v1/audit/consistency", l.serveConsistency)
	return mux
}

func (l *Log) servePublicKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(l.key.Public + "\n"))
}

func (l *Log) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	var signed []byte
	var err error
	cache := "no-cache"
	if s := r.URL.Query().Get("size"); s != "" {
		size, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			problem(w, http.StatusBadRequest, "size must be a tree size")
			return
		}
		_, signed, err = l.CheckpointAt(r.Context(), size)
		cache = "public, max-age=31536000, immutable"
	} else {
		_, signed, err = l.Latest(r.Context())
	}
	if err != nil {
		l.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", cache)
	w.Write(signed)
}

// InclusionJSON is the body of /v1/audit/inclusion.
type InclusionJSON struct {
	EventID   string      `json:"event_id"`
	EventHash string      `json:"event_hash"` // hex, as the event store writes it
	Position  string      `json:"position"`
	LeafIndex int64       `json:"leaf_index"`
	TreeSize  int64       `json:"tree_size"`
	Proof     []tlog.Hash `json:"proof"` // base64, leaf to root
}

func (l *Log) serveInclusion(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, ok := sizeParam(w, q.Get("size"), "size")
	if !ok {
		return
	}
	var in Inclusion
	var err error
	switch {
	case q.Get("event") != "":
		id, perr := eventstore.ParseEventID(q.Get("event"))
		if perr != nil {
			problem(w, http.StatusBadRequest, "event must be an event ID (UUID)")
			return
		}
		in, err = l.InclusionOf(r.Context(), id, size)
	case q.Get("position") != "":
		pos, perr := eventstore.ParsePosition(q.Get("position"))
		if perr != nil {
			problem(w, http.StatusBadRequest, "position must be HI.LO")
			return
		}
		in, err = l.InclusionAt(r.Context(), pos, size)
	default:
		problem(w, http.StatusBadRequest, "give event=ID or position=HI.LO")
		return
	}
	if err != nil {
		l.fail(w, r, err)
		return
	}
	writeJSON(w, InclusionJSON{EventID: in.EventID.String(), EventHash: in.EventHash.String(), Position: in.Position.String(),
		LeafIndex: in.LeafIndex, TreeSize: in.TreeSize, Proof: in.Proof})
}

// ConsistencyJSON is the body of /v1/audit/consistency.
type ConsistencyJSON struct {
	Old   int64       `json:"old"`
	New   int64       `json:"new"`
	Proof []tlog.Hash `json:"proof"`
}

func (l *Log) serveConsistency(w http.ResponseWriter, r *http.Request) {
	old, ok := sizeParam(w, r.URL.Query().Get("old"), "old")
	if !ok {
		return
	}
	nw, ok := sizeParam(w, r.URL.Query().Get("new"), "new")
	if !ok {
		return
	}
	p, err := l.Consistency(r.Context(), old, nw)
	if err != nil {
		l.fail(w, r, err)
		return
	}
	writeJSON(w, ConsistencyJSON{Old: old, New: nw, Proof: p})
}

func sizeParam(w http.ResponseWriter, s, name string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		problem(w, http.StatusBadRequest, name+" must be a tree size (a non-negative integer)")
		return 0, false
	}
	return n, true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	json.NewEncoder(w).Encode(v)
}

// fail maps the log's errors to statuses; internal failures say nothing
// more than that.
func (l *Log) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		problem(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrInvalid):
		problem(w, http.StatusBadRequest, err.Error())
	default:
		l.cfg.Log.Error("audit endpoint failed", "path", r.URL.Path, "err", err)
		problem(w, http.StatusInternalServerError, "the audit log could not answer")
	}
}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail})
}

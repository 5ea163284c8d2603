package auditlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Watcher is an auditor's side of the log: it polls a server's checkpoint
// and checks, with a consistency proof, that each new checkpoint extends
// the last one it saw. A server that rewrote history (a fork, a rollback,
// an event changed or removed) cannot produce that proof, and the two
// checkpoints it signed prove the rewrite to anyone holding its key.
type Watcher struct {
	// URL is the server's base URL ("https://parcours.example"); the
	// endpoints are under /v1/audit.
	URL string
	// StatePath is the file that keeps the last checkpoint seen and the
	// key it was verified with.
	StatePath string
	// PublicKey pins the log's key. If empty, the key kept in the state
	// file is used, or on the very first run the one the server publishes
	// (trust on first use: compare it with one obtained another way).
	PublicKey string
	Client    *http.Client
}

// WatchState is what a Watcher keeps between polls.
type WatchState struct {
	PublicKey  string    `json:"public_key"`
	Checkpoint string    `json:"checkpoint"` // the last signed checkpoint verified
	CheckedAt  time.Time `json:"checked_at"`
}

// WatchResult is the outcome of one poll.
type WatchResult struct {
	Previous, Current Checkpoint
	// PublicKey is the key the checkpoints were verified with.
	PublicKey string
	// First is set when there was no earlier checkpoint to compare with;
	// KeyFromServer when the key was taken from the server (first run,
	// nothing pinned).
	First, KeyFromServer bool
}

// ForkError reports a server whose new checkpoint does not extend the
// previous one. Old and New are the two signed checkpoints: evidence.
type ForkError struct {
	Old, New []byte
	Reason   string
}

func (e *ForkError) Error() string { return "the log rewrote its history: " + e.Reason }

// Check polls the server once. On success the new checkpoint becomes the
// one kept; on a *ForkError or any other error the state is left as it was.
func (w *Watcher) Check(ctx context.Context) (WatchResult, error) {
	var res WatchResult
	st, err := w.loadState()
	if err != nil {
		return res, err
	}
	key, err := w.key(ctx, st, &res)
	if err != nil {
		return res, err
	}
	v, err := NewVerifier(key)
	if err != nil {
		return res, err
	}
	res.PublicKey = key
	signed, err := w.get(ctx, "/v1/audit/checkpoint", nil)
	if err != nil {
		return res, err
	}
	if res.Current, err = OpenCheckpoint(signed, v); err != nil {
		return res, fmt.Errorf("checkpoint from %s: %w", w.URL, err)
	}
	if st.Checkpoint == "" {
		res.First = true
	} else {
		if res.Previous, err = OpenCheckpoint([]byte(st.Checkpoint), v); err != nil {
			return res, fmt.Errorf("kept checkpoint in %s: %w", w.StatePath, err)
		}
		if err := w.consistent(ctx, res.Previous, res.Current); err != nil {
			return res, &ForkError{Old: []byte(st.Checkpoint), New: signed, Reason: err.Error()}
		}
	}
	return res, w.saveState(WatchState{PublicKey: key, Checkpoint: string(signed), CheckedAt: time.Now().UTC()})
}

func (w *Watcher) key(ctx context.Context, st WatchState, res *WatchResult) (string, error) {
	pinned := strings.TrimSpace(w.PublicKey)
	switch {
	case pinned != "" && st.PublicKey != "" && pinned != st.PublicKey:
		return "", fmt.Errorf("the key given (%s) is not the key kept in %s (%s)", pinned, w.StatePath, st.PublicKey)
	case pinned != "":
		return pinned, nil
	case st.PublicKey != "":
		return st.PublicKey, nil
	}
	b, err := w.get(ctx, "/v1/audit/public-key", nil)
	if err != nil {
		return "", err
	}
	res.KeyFromServer = true
	return strings.TrimSpace(string(b)), nil
}

func (w *Watcher) consistent(ctx context.Context, old, cur Checkpoint) error {
	if old.Size >= cur.Size {
		return VerifyConsistency(old, cur, nil)
	}
	b, err := w.get(ctx, "/v1/audit/consistency", url.Values{"old": {strconv.FormatInt(old.Size, 10)}, "new": {strconv.FormatInt(cur.Size, 10)}})
	if err != nil {
		return fmt.Errorf("no consistency proof from %d to %d: %w", old.Size, cur.Size, err)
	}
	var p ConsistencyJSON
	if err := json.Unmarshal(b, &p); err != nil || p.Old != old.Size || p.New != cur.Size {
		return fmt.Errorf("malformed consistency proof from %d to %d", old.Size, cur.Size)
	}
	return VerifyConsistency(old, cur, p.Proof)
}

// maxResponse bounds what the watcher reads from a server.
const maxResponse = 1 << 20

func (w *Watcher) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := strings.TrimSuffix(w.URL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("audit watch: %w", err)
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("audit watch: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("audit watch: GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("audit watch: GET %s: %s", u, resp.Status)
	}
	if len(b) > maxResponse {
		return nil, fmt.Errorf("audit watch: GET %s: response larger than %d bytes", u, maxResponse)
	}
	return b, nil
}

func (w *Watcher) loadState() (WatchState, error) {
	var st WatchState
	b, err := os.ReadFile(w.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("audit watch: read state: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("audit watch: state file %s: %w", w.StatePath, err)
	}
	return st, nil
}

// saveState replaces the state file atomically (write, sync, rename).
func (w *Watcher) saveState(st WatchState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(w.StatePath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("audit watch: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".audit-watch-")
	if err != nil {
		return fmt.Errorf("audit watch: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), w.StatePath)
	}
	if err != nil {
		return fmt.Errorf("audit watch: save state: %w", err)
	}
	return nil
}

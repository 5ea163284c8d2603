package auditlog_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parcours/parcours/auditlog"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestHTTPEndpoints(t *testing.T) {
	w := newWorld(t, auditlog.Config{})
	appendNotes(t, w.store, 9)
	w.catchUp()
	srv := httptest.NewServer(w.log.Handler())
	defer srv.Close()
	events := allEvents(t, w.store)

	code, ctype, body := get(t, srv.URL+"/v1/audit/public-key")
	if code != 200 || !strings.HasPrefix(ctype, "text/plain") || strings.TrimSpace(body) != w.log.PublicKey() {
		t.Fatalf("public key: %d %s %q", code, ctype, body)
	}
	v, _ := auditlog.NewVerifier(body)
	_, _, body = get(t, srv.URL+"/v1/audit/checkpoint")
	cp, err := auditlog.OpenCheckpoint([]byte(body), v)
	if err != nil || cp.Size != 9 || !strings.HasPrefix(body, "parcours.test/audit\n9\n") {
		t.Fatalf("checkpoint %q: %v", body, err)
	}
	for _, q := range []string{"event=" + events[4].ID.String(), "position=" + events[4].Position.String()} {
		code, ctype, body = get(t, srv.URL+"/v1/audit/inclusion?"+q)
		var in auditlog.InclusionJSON
		if code != 200 || ctype != "application/json" || json.Unmarshal([]byte(body), &in) != nil {
			t.Fatalf("inclusion %s: %d %s", q, code, body)
		}
		if in.LeafIndex != 4 || in.TreeSize != 9 || in.EventHash != events[4].Hash.String() || auditlog.VerifyInclusion(cp, 4, events[4].Hash, in.Proof) != nil {
			t.Fatalf("inclusion %s: %+v", q, in)
		}
	}
	code, _, body = get(t, srv.URL+"/v1/audit/consistency?old=3&new=9")
	var c auditlog.ConsistencyJSON
	if code != 200 || json.Unmarshal([]byte(body), &c) != nil || auditlog.VerifyConsistency(treeOf(events[:3]), cp, c.Proof) != nil {
		t.Fatalf("consistency: %d %s", code, body)
	}
	for _, bad := range []struct {
		path string
		code int
	}{
		{"/v1/audit/inclusion", 400}, {"/v1/audit/inclusion?event=nope", 400}, {"/v1/audit/inclusion?position=1", 400},
		{"/v1/audit/inclusion?event=" + events[4].ID.String() + "&size=3", 400},
		{"/v1/audit/inclusion?event=00000000-0000-4000-8000-000000000000", 404},
		{"/v1/audit/consistency?old=5&new=3", 400}, {"/v1/audit/consistency?old=1&new=99", 400}, {"/v1/audit/consistency?old=-1&new=3", 400},
		{"/v1/audit/checkpoint?size=4", 404}, {"/v1/audit/checkpoint?size=x", 400},
	} {
		code, ctype, body := get(t, srv.URL+bad.path)
		if code != bad.code || ctype != "application/problem+json" {
			t.Errorf("%s: %d %s %s, want %d problem", bad.path, code, ctype, body, bad.code)
		}
	}
	if resp, err := http.Post(srv.URL+"/v1/audit/checkpoint", "text/plain", nil); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST checkpoint: %v %v", resp.Status, err)
	}
}

package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzEnv is a service with the world fixture, driven in process.
type fuzzEnv struct {
	*api
	h http.Handler
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	a := newEnv(f)
	e := &fuzzEnv{api: a, h: a.server.Handler()}
	for _, s := range worldSteps() {
		b, _ := json.Marshal(s.body)
		if rec := e.serve(s.method, s.path, s.token, b, "Content-Type", "application/json"); rec.Code >= 300 {
			f.Fatalf("%s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
		}
	}
	return e
}

func (e *fuzzEnv) serve(method, path, token string, body []byte, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// unchangedOnError runs one request and fails if it answers a server
// error, or an error after moving the store's head.
func (e *fuzzEnv) unchangedOnError(t *testing.T, method, path, token string, body []byte, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	ctx := context.Background()
	before, _ := e.store.Head(ctx)
	rec := e.serve(method, path, token, body, headers...)
	after, _ := e.store.Head(ctx)
	if rec.Code >= 500 {
		t.Fatalf("%s %s → %d %s", method, path, rec.Code, rec.Body)
	}
	if rec.Code >= 400 && before != after {
		t.Fatalf("%s %s → %d, yet the store moved from %s to %s", method, path, rec.Code, before, after)
	}
	if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s → %d without a problem: %s", method, path, rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec
}

var fuzzTokens = []string{"zoe", "luc", "cons", "tutor", "admin", "auditor", "operator", "other", "", "nope"}

// FuzzCommandBody sends random bodies to every command route (picked by
// route) as a random caller: never a server error, and an error changes
// nothing in the store.
func FuzzCommandBody(f *testing.F) {
	e := newFuzzEnv(f)
	ops := commandOps(f, e.url)
	for i := range ops {
		f.Add(uint8(i), uint8(0), []byte(`{}`))
		f.Add(uint8(i), uint8(i), []byte(`{"text":{"title":"x"},"kind":"professional"`))
	}
	f.Add(uint8(0), uint8(0), []byte(`{"kind":"professional","context":"formal","text":{"title":"Vendeuse"}}`))
	f.Add(uint8(1), uint8(1), []byte("{\"\\ud800\":[1e999999,null,true]}"))
	f.Fuzz(func(t *testing.T, route, who uint8, body []byte) {
		op := ops[int(route)%len(ops)]
		e.unchangedOnError(t, op.method, op.path, fuzzTokens[int(who)%len(fuzzTokens)], body, "Content-Type", "application/json")
	})
}

// FuzzCommandHeaders sends random If-Match, Prefer and Idempotency-Key
// headers with a command.
func FuzzCommandHeaders(f *testing.F) {
	e := newFuzzEnv(f)
	f.Add(`"1"`, "wait=1", "k1")
	f.Add(`W/"3"`, "return=minimal, wait=2", "")
	f.Add("*", "wait=-1", strings.Repeat("k", 201))
	f.Add(`"18446744073709551616"`, "wait=99999999999999999999", "\x00\n")
	f.Add(`"abc`, "", "k2")
	f.Fuzz(func(t *testing.T, ifMatch, prefer, key string) {
		body := []byte(`{"text":"Journée d'immersion"}`)
		headers := []string{"Content-Type", "application/json", "If-Match", ifMatch, "Prefer", prefer, "Idempotency-Key", key}
		e.unchangedOnError(t, "POST", "/v1/portfolios/p-zoe/journal", "zoe", body, headers...)
	})
}

// FuzzUpload stores random files: they are refused (415, 422, 413), or
// stored and then read back byte for byte with the type answered.
func FuzzUpload(f *testing.F) {
	e := newFuzzEnv(f)
	for _, seed := range [][]byte{pdf, png, text, []byte("<html>"), {}, []byte("GIF89a\x01\x00"), []byte("ID3\x04\x00\x00\x00\x00\x01\x00"),
		[]byte("PK\x03\x04\x14\x00\x00\x00\x00\x00"), append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 16)...)} {
		f.Add(seed, "a.pdf")
	}
	f.Fuzz(func(t *testing.T, body []byte, name string) {
		rec := e.unchangedOnError(t, "POST", "/v1/portfolios/p-zoe/files", "zoe", body, "Content-Disposition", "attachment; filename="+name)
		switch rec.Code {
		case http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			return
		case http.StatusCreated:
		default:
			t.Fatalf("upload → %d %s", rec.Code, rec.Body)
		}
		var up struct {
			File struct {
				FileID    string `json:"file_id"`
				MediaType string `json:"media_type"`
			} `json:"file"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &up); err != nil {
			t.Fatal(err)
		}
		got := e.serve("GET", "/v1/portfolios/p-zoe/files/"+up.File.FileID, "zoe", nil)
		if got.Code != 200 || !bytes.Equal(got.Body.Bytes(), body) || got.Header().Get("Content-Type") != up.File.MediaType {
			t.Fatalf("read back %d %s (%s, want %s)", got.Code, got.Header().Get("Content-Type"), got.Body.Bytes()[:min(20, got.Body.Len())], up.File.MediaType)
		}
		if strings.ContainsAny(up.Name, "/\\\x00\r\n") || len(up.Name) > 255 {
			t.Fatalf("unsafe name %q", up.Name)
		}
	})
}

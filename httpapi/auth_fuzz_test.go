package httpapi

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeLogin: any body gives a login request within bounds or a
// problem of the client's making (4xx), never a panic.
func FuzzDecodeLogin(f *testing.F) {
	for _, seed := range []string{
		`{"email":"zoe@example.org","password":"correct horse battery"}`,
		`{"email":"","password":""}`, `{"email":1}`, `{"email":"a","password":"b","x":1}`,
		`{"email":"a","password":"b"} {}`, `[]`, `null`, ``, `{"password":"\u0000"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/v1/session", bytes.NewReader([]byte(body)))
		r.Header.Set("Content-Type", "application/json")
		req, err := decodeLogin(r)
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || he.status < 400 || he.status >= 500 {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		if req.Email == "" || len(req.Email) > 254 || req.Password == "" || len(req.Password) > 1024 {
			t.Fatalf("%q accepted as %+v", body, req)
		}
	})
}

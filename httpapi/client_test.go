package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// reply is a response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

var (
	routerOnce sync.Once
	docRouter  routers.Router
)

// validator returns a router over the served OpenAPI document.
func (a *api) validator() routers.Router {
	routerOnce.Do(func() {
		resp, err := http.Get(a.url + "/v1/openapi.json")
		if err != nil {
			a.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		doc, err := openapi3.NewLoader().LoadFromData(body)
		if err != nil {
			a.t.Fatal(err)
		}
		doc.Servers = openapi3.Servers{{URL: "/"}}
		if docRouter, err = gorillamux.NewRouter(doc); err != nil {
			a.t.Fatal(err)
		}
	})
	return docRouter
}

// do sends a request as token (none if ""), with a JSON body if body is
// not nil, and checks the request and the response against the OpenAPI
// document.
func (a *api) do(method, path, token string, body any, headers ...string) reply {
	a.t.Helper()
	var raw []byte
	if body != nil {
		if b, ok := body.([]byte); ok {
			raw = b
		} else {
			raw, _ = json.Marshal(body)
		}
	}
	req, _ := http.NewRequest(method, a.url+path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	rep := reply{status: resp.StatusCode, header: resp.Header, body: out}
	a.check(req, raw, rep)
	return rep
}

// check validates a request and its response against the document.
func (a *api) check(req *http.Request, body []byte, rep reply) {
	a.t.Helper()
	vreq := req.Clone(context.Background())
	vreq.URL.Scheme, vreq.URL.Host = "", ""
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := a.validator().FindRoute(vreq)
	if err != nil {
		if rep.status == http.StatusNotFound || rep.status == http.StatusMethodNotAllowed {
			return
		}
		a.t.Fatalf("%s %s is not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if rep.status < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			a.t.Fatalf("%s %s: the request does not match the document: %v", req.Method, req.URL.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rep.status, Header: rep.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(rep.body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		a.t.Fatalf("%s %s → %d: the response does not match the document: %v\n%s", req.Method, req.URL.Path, rep.status, err, rep.body)
	}
}

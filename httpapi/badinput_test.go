package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// commandOp is a command route of the document: one with a JSON body.
type commandOp struct {
	method, path string // path with its parameters filled in
	schema       *openapi3.Schema
}

var pathParams = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// commandOps lists the command routes of the served document (a JSON body
// in, a CommandResult out), with paths that name things of the world
// fixture.
func commandOps(tb testing.TB, url string) []commandOp {
	tb.Helper()
	resp, err := http.Get(url + "/v1/openapi.json")
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		tb.Fatal(err)
	}
	values := map[string]string{"portfolioID": "p-zoe", "structureID": "s-ml", "experienceID": "x-shop", "personID": "p-luc", "counsellorID": "p-cons"}
	var ops []commandOp
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			// An exact lookup: Content.Get also matches a raw-body route's
			// */* (which its own tests feed bad files).
			if op.RequestBody == nil || op.RequestBody.Value.Content["application/json"] == nil || !answersCommandResult(op) {
				continue
			}
			filled := pathParams.ReplaceAllStringFunc(path, func(p string) string {
				if v, ok := values[p[1:len(p)-1]]; ok {
					return v
				}
				return "x-1"
			})
			ops = append(ops, commandOp{method: method, path: filled, schema: op.RequestBody.Value.Content["application/json"].Schema.Value})
		}
	}
	slices.SortFunc(ops, func(x, y commandOp) int { return strings.Compare(x.method+x.path, y.method+y.path) })
	return ops
}

func answersCommandResult(op *openapi3.Operation) bool {
	ok := op.Responses.Status(http.StatusOK)
	if ok == nil || ok.Value.Content.Get("application/json") == nil {
		return false
	}
	props := ok.Value.Content.Get("application/json").Schema.Value.Properties
	return props["stream"] != nil && props["revision"] != nil && props["position"] != nil
}

// wrongType is a body whose first field has the wrong JSON type.
func wrongType(s *openapi3.Schema) ([]byte, bool) {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, false
	}
	slices.Sort(names)
	var v any = "x"
	if p := s.Properties[names[0]].Value; p.Type != nil && p.Type.Is("string") {
		v = 12
	}
	b, _ := json.Marshal(map[string]any{names[0]: v})
	return b, true
}

// TestBadInputChangesNothing sends every command route bad bodies and bad
// headers: each gets a 4xx problem, and the store's head does not move.
func TestBadInputChangesNothing(t *testing.T) {
	a := newAPI(t)
	a.world()
	ops := commandOps(t, a.url)
	if len(ops) < 40 {
		t.Fatalf("only %d command routes in the document", len(ops))
	}
	type bad struct {
		name   string
		body   []byte
		header []string
	}
	bads := []bad{
		{"syntax", []byte(`{"kind":`), nil},
		{"array", []byte(`[]`), nil},
		{"string", []byte(`"experience"`), nil},
		{"unknown field", []byte(`{"zz_unknown": 1}`), nil},
		{"two values", []byte(`{} {}`), nil},
		{"trailing garbage", []byte(`{}x`), nil},
		{"invalid UTF-8 key", []byte("{\"\xff\": 1}"), nil},
		{"too large", []byte(`{"x":"` + strings.Repeat("a", 1<<20) + `"}`), nil},
		{"text/plain", []byte(`{}`), []string{"Content-Type", "text/plain"}},
		{"form", []byte(`a=b`), []string{"Content-Type", "application/x-www-form-urlencoded"}},
		{"bad If-Match", []byte(`{}`), []string{"If-Match", `"abc"`}},
		{"long Idempotency-Key", []byte(`{}`), []string{"Idempotency-Key", strings.Repeat("k", 201)}},
	}
	ctx := context.Background()
	for _, op := range ops {
		cases := bads
		if body, ok := wrongType(op.schema); ok {
			cases = append(slices.Clone(bads), bad{"wrong type", body, nil})
		}
		for _, c := range cases {
			before, err := a.store.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r := a.do(op.method, op.path, "zoe", c.body, c.header...)
			after, _ := a.store.Head(ctx)
			if r.status < 400 || r.status >= 500 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s, %s: %d %s", op.method, op.path, c.name, r.status, r.body)
			}
			if after != before {
				t.Errorf("%s %s, %s: the store moved from %s to %s", op.method, op.path, c.name, before, after)
			}
		}
	}
}

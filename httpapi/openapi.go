package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"

	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
)

func (s *Server) docRoutes() []route {
	return []route{{Method: "GET", Pattern: "/v1/openapi.json", ID: "openapi", Summary: "This API's OpenAPI 3.1 document", Tag: "operations",
		Public: true, Response: map[string]any{}, Status: http.StatusOK, Handle: s.serveOpenAPI}}
}

var (
	docOnce sync.Once
	docJSON []byte
	docErr  error
)

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	docOnce.Do(func() {
		var doc *openapi3.T
		if doc, docErr = s.OpenAPI(); docErr == nil {
			docJSON, docErr = json.MarshalIndent(doc, "", "  ")
		}
	})
	if docErr != nil {
		return docErr
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(docJSON)
	return err
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// OpenAPI builds the OpenAPI 3.1 document from the route table: the paths,
// the parameters in them, the JSON bodies (schemas reflected from the Go
// types, unknown fields refused), the problem responses, the security.
func (s *Server) OpenAPI() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{Title: "Parcours API", Version: "1",
			Description: "Event-sourced e-portfolio ledger for career support and VAE. Every change is an immutable, attributable, hash-chained event."},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{}},
	}
	doc.Components.SecuritySchemes["bearer"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().WithBearerFormat("opaque API token")}
	doc.Components.SecuritySchemes["session"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewCSRFSecurityScheme().WithIn("cookie").WithName("parcours_session")}
	gen := openapi3gen.NewGenerator(openapi3gen.UseAllExportedFields(), openapi3gen.SchemaCustomizer(strictObjects))
	problem, err := gen.NewSchemaRefForValue(Problem{}, doc.Components.Schemas)
	if err != nil {
		return nil, fmt.Errorf("openapi: problem schema: %w", err)
	}
	for _, rt := range s.routes() {
		op, err := operation(gen, doc, rt, problem)
		if err != nil {
			return nil, err
		}
		doc.AddOperation(rt.Pattern, rt.Method, op)
	}
	return doc, nil
}

// strictObjects marks every object schema as refusing unknown properties,
// as the decoder does.
func strictObjects(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
	if schema.Type != nil && schema.Type.Is("object") && len(schema.Properties) > 0 {
		schema.AdditionalProperties = openapi3.AdditionalProperties{Has: new(bool)}
	}
	// A Go nil slice or map is encoded as null: say so (OpenAPI 3.1 type
	// lists), rather than promise an array that may be null.
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Map {
		if schema.Type != nil && len(*schema.Type) == 1 {
			types := openapi3.Types{(*schema.Type)[0], "null"}
			schema.Type = &types
		}
	}
	return nil
}

func operation(gen *openapi3gen.Generator, doc *openapi3.T, rt route, problem *openapi3.SchemaRef) (*openapi3.Operation, error) {
	op := &openapi3.Operation{OperationID: rt.ID, Summary: rt.Summary, Description: rt.Description, Tags: []string{rt.Tag}, Responses: openapi3.NewResponses()}
	for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
		op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewStringSchema()))
	}
	for _, q := range rt.Query {
		op.AddParameter(openapi3.NewQueryParameter(q).WithSchema(openapi3.NewStringSchema()))
	}
	for _, h := range rt.Headers {
		op.AddParameter(openapi3.NewHeaderParameter(h).WithSchema(openapi3.NewStringSchema()))
	}
	if !rt.Public {
		op.Security = &openapi3.SecurityRequirements{{"bearer": {}}, {"session": {}}}
	}
	if rt.Request != nil {
		ref, err := gen.NewSchemaRefForValue(rt.Request, doc.Components.Schemas)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s request: %w", rt.ID, err)
		}
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(rt.BodyRequired).WithJSONSchemaRef(ref)}
	}
	if rt.RawBody {
		// Any media type: the route reads the bytes and types them itself.
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
			WithContent(openapi3.Content{"*/*": openapi3.NewMediaType()})}
	}
	ok := openapi3.NewResponse().WithDescription(http.StatusText(rt.Status))
	if rt.Response != nil {
		ref, err := gen.NewSchemaRefForValue(rt.Response, doc.Components.Schemas)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s response: %w", rt.ID, err)
		}
		ok = ok.WithJSONSchemaRef(ref)
	}
	if len(rt.Produces) > 0 {
		if rt.Response == nil {
			ok.Content = openapi3.Content{}
		}
		for _, mt := range rt.Produces {
			ok.Content[mt] = openapi3.NewMediaType() // a stream or a file: no schema
		}
	}
	op.AddResponse(rt.Status, ok)
	if rt.Status == http.StatusOK && rt.Response == (CommandResult{}) {
		op.AddResponse(http.StatusCreated, openapi3.NewResponse().WithDescription("Created").WithJSONSchemaRef(ok.Content["application/json"].Schema))
	}
	errResp := openapi3.NewResponse().WithDescription("Problem (RFC 9457)").
		WithContent(openapi3.Content{"application/problem+json": openapi3.NewMediaType().WithSchemaRef(problem)})
	op.Responses.Set("default", &openapi3.ResponseRef{Value: errResp})
	return op, nil
}

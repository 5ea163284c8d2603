package httpapi_test

import (
	"strings"
	"testing"

	"github.com/parcours/parcours/httpapi"
)

func TestMetrics(t *testing.T) {
	a := newAPI(t)
	a.world()
	a.do("GET", "/v1/nowhere/p-zoe", "zoe", nil)
	wantStatus(t, a.do("GET", "/metrics", "", nil), 401)
	wantStatus(t, a.do("GET", "/metrics", "admin", nil), 403)
	r := a.ok(a.do("GET", "/metrics", "operator", nil))
	body := string(r.body)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("content type %s", r.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`parcours_http_request_duration_seconds_bucket{method="POST",route="/v1/portfolios/{portfolioID}/experiences",status="2xx",le="0.5"}`,
		`parcours_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"} 1`,
		`parcours_command_append_duration_seconds_count{command="addExperience",outcome="ok"} 2`,
		`parcours_command_append_duration_seconds_count{command="enrolPerson",outcome="ok"} 6`,
		`parcours_projection_lag_seconds{projection="`,
		`parcours_projection_stopped{projection="`,
		"parcours_projection_poisoned_total 0",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "p-zoe") {
		t.Error("a raw path is in the metrics")
	}
}

func TestRequestIDs(t *testing.T) {
	a := newAPI(t)
	r := a.do("GET", "/healthz", "", nil, "X-Request-Id", "trace-42.a:b")
	if r.header.Get("X-Request-Id") != "trace-42.a:b" {
		t.Fatalf("client's request ID not kept: %q", r.header.Get("X-Request-Id"))
	}
	for _, bad := range []string{strings.Repeat("x", 65), "a b", "<script>", "é"} {
		r := a.do("GET", "/v1/nowhere", "", nil, "X-Request-Id", bad)
		var p httpapi.Problem
		r.json(t, &p)
		if id := r.header.Get("X-Request-Id"); id == bad || len(id) != 24 || p.RequestID != id {
			t.Fatalf("request ID %q for %q (problem says %q)", id, bad, p.RequestID)
		}
	}
}

package httpapi_test

import (
	"strconv"
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
	// Each read model's apply rate and owner: the world's events went
	// through this process's runner.
	if n, ok := metricValue(body, `parcours_projection_applied_events_total{projection="audit"}`); !ok || n < 10 {
		t.Errorf("audit applied %v events (found: %v), want the world's", n, ok)
	}
	if n, ok := metricValue(body, `parcours_projection_owned{projection="audit"}`); !ok || n != 1 {
		t.Errorf("metrics do not say this process runs the audit projection: %v %v", n, ok)
	}
}

// metricValue finds the sample named series (with its labels) in a
// Prometheus text body.
func metricValue(body, series string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			n, err := strconv.ParseFloat(v, 64)
			return n, err == nil
		}
	}
	return 0, false
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

package httpapi_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

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
	// Each read model's owner and apply rate: once the runner runs the
	// audit projection (it may first rebuild it from the log), an
	// experience goes through it.
	const owned, applied = `parcours_projection_owned{projection="audit"}`, `parcours_projection_applied_events_total{projection="audit"}`
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		body = string(a.ok(a.do("GET", "/metrics", "operator", nil)).body)
		if n, ok := metricValue(body, owned); ok && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics never say this process runs the audit projection:\n%s", body)
		}
	}
	before, _ := metricValue(body, applied)
	exp := map[string]any{"kind": "professional", "context": "formal", "from": "2023-01-02", "text": map[string]any{"title": "Vendeuse"}}
	a.ok(a.do("POST", "/v1/portfolios/p-zoe/experiences", "zoe", exp, "Prefer", "wait=10"))
	body = string(a.ok(a.do("GET", "/metrics", "operator", nil)).body)
	if n, ok := metricValue(body, applied); !ok || n < before+1 {
		t.Errorf("audit applied %v events after the experience (before: %v; found: %v)", n, before, ok)
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

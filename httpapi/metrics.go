package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/parcours/parcours/domain"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus metrics, in a registry of their own
// (never the global one: two servers in one process, as in tests, do not
// collide). Requests are labelled by route pattern, never by raw path, so
// the number of series is bounded by the route table.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.HistogramVec
	commands   *prometheus.HistogramVec
	lagSeconds *prometheus.GaugeVec
	lagEvents  *prometheus.GaugeVec
	stopped    *prometheus.GaugeVec
}

var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics(d Deps) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parcours_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern and status class.", Buckets: latencyBuckets},
			[]string{"method", "route", "status"}),
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parcours_command_append_duration_seconds",
			Help: "Time to run a command: load, decide and append to the event store (durable on return).", Buckets: latencyBuckets},
			[]string{"command", "outcome"}),
		lagSeconds: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "parcours_projection_lag_seconds",
			Help: "Age of the oldest event a read model has not applied yet (0 when caught up)."}, []string{"projection"}),
		lagEvents: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "parcours_projection_lag_events",
			Help: "Events a read model has not applied yet (counted up to 10000)."}, []string{"projection"}),
		stopped: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "parcours_projection_stopped",
			Help: "1 when a read model is stopped (by a poison event), else 0."}, []string{"projection"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.commands, m.lagSeconds, m.lagEvents, m.stopped)
	if d.Poisoned != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parcours_projection_poisoned_total",
			Help: "Read models stopped by a poison event since the process started."}, func() float64 { return float64(d.Poisoned()) }))
	}
	return m
}

// observeCommand records a command's run (the append latency).
func (m *metrics) observeCommand(id string, took time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.commands.WithLabelValues(id, outcome).Observe(took.Seconds())
}

// observe records every request's latency under its route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(status/100)+"xx").Observe(time.Since(start).Seconds())
	})
}

func (s *Server) metricsRoutes() []route {
	return []route{{Method: "GET", Pattern: "/metrics", ID: "metrics", Tag: "operations", Public: s.deps.MetricsPublic,
		Summary: "Prometheus metrics: request latency by route, command append latency, read-model lag, poison count",
		Description: "Prometheus text format. Open to anyone when the server is configured so (`parcours serve -metrics public`, or " +
			"`-metrics auto`, the default, when it listens on a loopback address); otherwise only the platform operator reads it.",
		Produces: []string{"text/plain"}, Status: http.StatusOK, Handle: s.serveMetrics}}
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if !s.deps.MetricsPublic {
		if a, _ := actorFrom(r.Context()); a.Role != domain.RoleOperator {
			return errStatus(http.StatusForbidden, "forbidden", "Forbidden", "only the platform operator reads the metrics")
		}
	}
	if s.deps.Status != nil {
		status, err := s.deps.Status(r.Context())
		if err != nil {
			return err
		}
		s.metrics.lagSeconds.Reset()
		s.metrics.lagEvents.Reset()
		s.metrics.stopped.Reset()
		for _, st := range status {
			s.metrics.lagSeconds.WithLabelValues(st.Name).Set(st.LagSeconds)
			s.metrics.lagEvents.WithLabelValues(st.Name).Set(float64(st.LagEvents))
			stopped := 0.0
			if st.State == "stopped" {
				stopped = 1
			}
			s.metrics.stopped.WithLabelValues(st.Name).Set(stopped)
		}
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// requestID gives every request an ID: the client's X-Request-Id when it
// is a short token, a random one otherwise. It is echoed in the response,
// in problems and access logs, and recorded as the correlation ID of the
// events a command writes.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(middleware.RequestIDHeader)
		if !validRequestID(id) {
			var b [12]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(middleware.RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, id)))
	})
}

// validRequestID accepts 1 to 64 letters, digits and "-_.:".
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
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
	owned      *prometheus.GaugeVec
	applied    *prometheus.CounterVec
	// appliedSeen is the runner's count of applied events at the last
	// scrape, by projection: the counter goes up by the difference.
	mu          sync.Mutex
	appliedSeen map[string]uint64
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
		owned: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "parcours_projection_owned",
			Help: "1 when this process runs the read model's projection (with PostgreSQL, it holds its lease), else 0."}, []string{"projection"}),
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parcours_projection_applied_events_total",
			Help: "Events this process applied to a read model since it started; its rate is the apply rate, to compare with the write rate."},
			[]string{"projection"}),
		appliedSeen: map[string]uint64{},
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.commands, m.lagSeconds, m.lagEvents, m.stopped, m.owned, m.applied)
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
			owned := 0.0
			if st.Owned {
				owned = 1
			}
			s.metrics.owned.WithLabelValues(st.Name).Set(owned)
			s.metrics.countApplied(st.Name, st.Applied)
		}
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// countApplied brings the applied-events counter of projection up to the
// runner's count n.
func (m *metrics) countApplied(projection string, n uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.applied.WithLabelValues(projection) // exported at 0 before the first event
	if seen := m.appliedSeen[projection]; n > seen {
		c.Add(float64(n - seen))
		m.appliedSeen[projection] = n
	}
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

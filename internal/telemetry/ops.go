package telemetry

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Probe checks one dependency of the process (its store, Temporal).
type Probe func(ctx context.Context) error

// Ops is a process's operations endpoint: /metrics (Prometheus), /healthz
// (the process is alive) and /readyz (its dependencies answer and it is
// not draining). The gRPC health service of the Kitex ports answers from
// the same probes (Ready).
type Ops struct {
	registry *prometheus.Registry
	draining atomic.Bool

	mu     sync.Mutex
	probes map[string]Probe
	// last caches the latest readiness for a second, so that probes from
	// several checkers do not hammer the dependencies.
	last     map[string]string
	lastTime time.Time
}

// NewOps returns the ops endpoint over a metrics registry.
func NewOps(reg *prometheus.Registry) *Ops {
	return &Ops{registry: reg, probes: map[string]Probe{}}
}

// Probe adds a readiness check.
func (o *Ops) Probe(name string, p Probe) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.probes[name] = p
}

// Drain makes the process not ready: load balancers stop sending it work
// while it finishes what it has.
func (o *Ops) Drain() { o.draining.Store(true) }

// Ready runs the probes (at most once a second) and returns the failures
// by probe name; nil means ready.
func (o *Ops) Ready(ctx context.Context) map[string]string {
	if o.draining.Load() {
		return map[string]string{"process": "draining"}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if time.Since(o.lastTime) < time.Second {
		return o.last
	}
	failed := map[string]string{}
	for name, p := range o.probes {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := p(pctx); err != nil {
			failed[name] = err.Error()
		}
		cancel()
	}
	if len(failed) == 0 {
		failed = nil
	}
	o.last, o.lastTime = failed, time.Now()
	return failed
}

// Handler serves /metrics, /healthz and /readyz.
func (o *Ops) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.registry, promhttp.HandlerOpts{Registry: o.registry}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "alive"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if failed := o.Ready(r.Context()); failed != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "failing": failed})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready"})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

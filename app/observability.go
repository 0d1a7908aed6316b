package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tempomall/tempomall/internal/telemetry"
)

// telemetry builds the process's logger, tracer and meter, its own
// metrics, and its ops endpoint (served once everything is built).
func (b *builder) telemetry(ctx context.Context) error {
	level, err := telemetry.ParseLogLevel(b.cfg.Ops.LogLevel)
	if err != nil {
		return err
	}
	if b.cfg.Debug {
		level = -4 // debug
	}
	service := "tempomall"
	if b.opts.Identity != "" && b.opts.Identity != "tempomall" {
		service += "-" + b.opts.Identity
	}
	t, err := telemetry.New(ctx, telemetry.Options{
		Service: service, LogFormat: b.cfg.Ops.LogFormat, LogLevel: level,
		LogOutput: b.opts.LogOutput, SpanExporter: b.opts.SpanExporter,
	})
	if err != nil {
		return err
	}
	b.sys.onClose(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = t.Shutdown(ctx)
	})
	m, err := telemetry.NewMetrics(t.Meter)
	if err != nil {
		return err
	}
	b.sys.Telemetry, b.sys.Metrics, b.sys.Ops = t, m, telemetry.NewOps(t.Registry)
	return nil
}

// opsEndpoint serves /metrics, /healthz and /readyz on the configured
// address, if any.
func (b *builder) opsEndpoint(context.Context) error {
	if b.cfg.Ops.MetricsListen == "" && b.listeners["ops"] == nil {
		return nil
	}
	ln, err := b.listen("ops", b.cfg.Ops.MetricsListen)
	if err != nil {
		return err
	}
	b.sys.run("ops endpoint", func(ctx context.Context) error {
		err := serveHTTP(ctx, ln, b.sys.Ops.Handler())
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	})
	return nil
}

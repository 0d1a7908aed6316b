// Package telemetry is what a tempomall process reports about itself, with
// the ecosystem's libraries: OpenTelemetry traces (exporters chosen by the
// standard OTEL_* variables through autoexport; none unless asked),
// OpenTelemetry metrics exported to a Prometheus registry (served on the
// ops endpoint's /metrics), and structured logs (log/slog, JSON or text)
// carrying the trace and span ids of the call they belong to. Kitex's
// klog, the Temporal SDK and GORM all log through the same logger.
//
// A process builds one Telemetry in main (app.Build) and passes its parts
// down; nothing here is read from a package variable, except that the
// providers are also installed as OpenTelemetry's globals, the convention
// instrumentation libraries look up.
package telemetry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Options configure a process's telemetry.
type Options struct {
	// Service names the process in traces and metrics (OTEL_SERVICE_NAME
	// wins when set).
	Service string
	// LogFormat is "json" (the default) or "text".
	LogFormat string
	// LogLevel is the lowest level logged.
	LogLevel slog.Level
	// LogOutput receives the logs (default os.Stderr).
	LogOutput io.Writer
	// SpanExporter, when set, receives the spans instead of the exporter
	// OTEL_TRACES_EXPORTER names (tests use an in-memory one).
	SpanExporter sdktrace.SpanExporter
}

// Telemetry is a process's tracer, meter, metrics registry and logger.
type Telemetry struct {
	Logger *slog.Logger
	// Tracer traces the process's calls; Meter records its metrics.
	Tracer trace.TracerProvider
	Meter  metric.MeterProvider
	// Propagator carries trace context across RPCs and into workflows.
	Propagator propagation.TextMapPropagator
	// Registry is what /metrics serves.
	Registry *prometheus.Registry

	shutdown []func(context.Context) error
}

// New builds a process's telemetry and installs it: the providers as
// OpenTelemetry's globals, the logger behind klog.
func New(ctx context.Context, o Options) (*Telemetry, error) {
	t := &Telemetry{Registry: prometheus.NewRegistry()}
	t.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	level := new(slog.LevelVar)
	level.Set(o.LogLevel)
	t.Logger = newLogger(o, level)
	routeKlog(t.Logger, level)

	name := o.Service
	if env := os.Getenv("OTEL_SERVICE_NAME"); env != "" {
		name = env
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(name)))
	if err != nil {
		return nil, err
	}
	var exporter sdktrace.SpanExporter = o.SpanExporter
	if exporter == nil && tracesWanted() {
		if exporter, err = autoexport.NewSpanExporter(ctx); err != nil {
			return nil, err
		}
	}
	topts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	switch {
	case o.SpanExporter != nil:
		topts = append(topts, sdktrace.WithSyncer(exporter))
	case exporter != nil:
		topts = append(topts, sdktrace.WithBatcher(exporter))
	default:
		// Nothing exports: spans are not recorded, but they still get
		// trace and span ids, which the logs carry and calls propagate.
		topts = append(topts, sdktrace.WithSampler(sdktrace.NeverSample()))
	}
	tp := sdktrace.NewTracerProvider(topts...)
	t.shutdown = append(t.shutdown, tp.Shutdown)

	promExporter, err := otelprom.New(otelprom.WithRegisterer(t.Registry))
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(promExporter))
	t.shutdown = append(t.shutdown, mp.Shutdown)

	t.Tracer, t.Meter = tp, mp
	t.Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(t.Propagator)
	return t, nil
}

// tracesWanted reports whether OTEL_TRACES_EXPORTER asks for an exporter:
// traces are off unless it does (autoexport alone would default to OTLP).
func tracesWanted() bool {
	v := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER"))
	return v != "" && v != "none"
}

// Shutdown flushes and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	for i := len(t.shutdown) - 1; i >= 0; i-- {
		errs = append(errs, t.shutdown[i](ctx))
	}
	return errors.Join(errs...)
}

// Nop returns telemetry that records nothing and logs to w as text: for
// tools and tests that need the shape without the cost.
func Nop(w io.Writer) *Telemetry {
	return &Telemetry{
		Logger:     slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Tracer:     sdktrace.NewTracerProvider(),
		Meter:      sdkmetric.NewMeterProvider(),
		Propagator: propagation.TraceContext{},
		Registry:   prometheus.NewRegistry(),
	}
}

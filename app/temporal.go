package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"

	"github.com/tempomall/tempomall/internal/codec"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/internal/telemetry"
)

// needsTemporal reports whether a part of the process talks to Temporal:
// the services over workflows and the worker.
func (b *builder) needsTemporal() bool {
	for _, s := range []string{config.Checkout, config.Order, config.Payment} {
		if slices.Contains(b.opts.Services, s) {
			return true
		}
	}
	return b.opts.Worker
}

// temporal dials the Temporal frontend, retrying while it starts, and
// makes it one of the process's readiness probes.
func (b *builder) temporal(ctx context.Context) error {
	c, err := DialTemporal(ctx, b.cfg, b.sys.Telemetry)
	if err != nil {
		return err
	}
	b.sys.Temporal = c
	b.sys.onClose(c.Close)
	b.sys.Ops.Probe("temporal", func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	})
	return nil
}

// DialTemporal connects to the configured Temporal frontend, retrying
// while it starts, until ctx ends. The connection is configured as the
// temporal CLI's is (go.temporal.io/sdk/contrib/envconfig): TEMPORAL_*
// variables and profiles bring TLS, API keys and headers; the address and
// namespace are the config's (TEMPOMALL_TEMPORAL_* or TEMPORAL_ADDRESS and
// TEMPORAL_NAMESPACE). Payloads are encrypted with the configured codec
// keys. With telemetry, the client logs through the process's logger,
// records the SDK's metrics, and carries trace context into workflows and
// activities.
func DialTemporal(ctx context.Context, cfg config.Config, t *telemetry.Telemetry) (client.Client, error) {
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{})
	if err != nil {
		return nil, fmt.Errorf("temporal connection settings: %w", err)
	}
	if opts.HostPort == "" || cfg.TemporalHostPort != config.DefaultTemporalAddr {
		opts.HostPort = cfg.TemporalHostPort
	}
	if opts.Namespace == "" || cfg.TemporalNamespace != "default" {
		opts.Namespace = cfg.TemporalNamespace
	}
	if cfg.Ops.CodecKeys != "" {
		keys, err := codec.ParseKeyring(cfg.Ops.CodecKeys)
		if err != nil {
			return nil, fmt.Errorf("TEMPOMALL_CODEC_KEYS: %w", err)
		}
		opts.DataConverter = codec.NewDataConverter(keys)
		opts.FailureConverter = codec.NewFailureConverter(opts.DataConverter)
	}
	if t != nil {
		opts.Logger = telemetry.TemporalLogger(t.Logger)
		opts.MetricsHandler = temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter: t.Meter.Meter("temporal-sdk-go"), UseMonotonicCounters: true,
			OnError: func(err error) { t.Logger.Warn("temporal metrics", "error", err) },
		})
		tracing, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
			Tracer: t.Tracer.Tracer("temporal-sdk-go"), TextMapPropagator: t.Propagator,
		})
		if err != nil {
			return nil, err
		}
		opts.Interceptors = append(opts.Interceptors, []interceptor.ClientInterceptor{tracing}...)
	}
	var c client.Client
	err = periodic.Retry(ctx, 500*time.Millisecond, "temporal at "+opts.HostPort, func(ctx context.Context) error {
		var err error
		c, err = client.DialContext(ctx, opts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dial temporal: %w", err)
	}
	return c, nil
}

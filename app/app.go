// Package app wires tempomall's processes. Build constructs every part a
// process runs from the configuration, eagerly and in a visible order, and
// passes each its dependencies; Run runs the parts together until the
// process stops or one of them fails. `tempomall serve`, `tempomall
// worker`, `tempomall dev` and the end-to-end tests all start the system
// through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/telemetry"
)

// Options say what a process runs.
type Options struct {
	// Identity is the process's client id for service tokens.
	Identity string
	// Services are the Kitex services to run (config.Services names).
	Services []string
	// Listeners replace listening on the configured addresses, by endpoint
	// name (a service name, "webhook", "gateway"); tests use them.
	Listeners map[string]net.Listener
	// Worker runs the Temporal workers (and creates the schedules).
	Worker bool
	// Gateway runs the payment sandbox gateway.
	Gateway bool
	// Codec runs the codec server, which decodes encrypted workflow
	// payloads for the Temporal Web UI and CLI.
	Codec bool
	// FastPasswordHashing uses the lowest bcrypt cost (tests only).
	FastPasswordHashing bool
	// SpanExporter and LogOutput replace the configured span exporter and
	// the standard error of the logs (tests).
	SpanExporter sdktrace.SpanExporter
	LogOutput    io.Writer
}

// System is a built process: the parts it runs and what they share.
type System struct {
	// Clients call the services with the process's service credential.
	Clients *clients.Clients
	// Temporal is the process's Temporal client; nil when no part uses
	// Temporal.
	Temporal client.Client
	// Telemetry is the process's logger, tracer and meter; Metrics its own
	// instruments; Ops its /metrics, /healthz and /readyz.
	Telemetry *telemetry.Telemetry
	Metrics   *telemetry.Metrics
	Ops       *telemetry.Ops

	parts   []part
	closers []func()

	// set by Start
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// part is something the process runs until its context ends. A part whose
// run returns an error stops the process.
type part struct {
	name string
	run  func(context.Context) error
}

// Build constructs what o asks for, in dependency order: shared caches and
// the revocation list, the stores, the clients of the other services, the
// Temporal client, the payment sandbox, the guard (the auth service's own
// when it runs here, else one that asks the auth service), the Kitex
// services (auth first), and the worker. Listeners are open when it
// returns. On failure it releases what it opened and says which part
// failed.
func Build(ctx context.Context, cfg config.Config, o Options) (_ *System, err error) {
	s := &System{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	b := &builder{cfg: cfg, opts: o, sys: s, listeners: o.Listeners}
	steps := []struct {
		name string
		run  func(context.Context) error
		when bool
	}{
		{"telemetry", b.telemetry, true},
		{"caches", b.caches, true},
		{"stores", b.stores, true},
		{"clients", b.clients, true},
		{"temporal", b.temporal, b.needsTemporal()},
		{"payment sandbox", b.sandbox, o.Gateway},
		{"guard", b.remoteGuard, len(o.Services) > 0 && !slices.Contains(o.Services, config.Auth)},
	}
	for _, st := range steps {
		if !st.when {
			continue
		}
		if err := st.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", st.name, err)
		}
	}
	for _, name := range config.Services {
		if !slices.Contains(o.Services, name) {
			continue
		}
		if err := b.service(ctx, name); err != nil {
			return nil, fmt.Errorf("%s service: %w", name, err)
		}
	}
	for _, name := range o.Services {
		if !slices.Contains(config.Services, name) {
			return nil, fmt.Errorf("unknown service %q", name)
		}
	}
	if o.Worker {
		if err := b.worker(ctx); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	if o.Codec {
		if err := b.codecServer(ctx); err != nil {
			return nil, fmt.Errorf("codec server: %w", err)
		}
	}
	if err := b.opsEndpoint(ctx); err != nil {
		return nil, fmt.Errorf("ops endpoint: %w", err)
	}
	return s, nil
}

// Start builds the system and runs it in the background; Wait or Stop end
// it.
func Start(ctx context.Context, cfg config.Config, o Options) (*System, error) {
	s, err := Build(ctx, cfg, o)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		s.err = s.Run(runCtx)
	}()
	return s, nil
}

// Run runs every part until ctx ends or a part fails, then releases what
// Build opened. It returns the first part's failure. When ctx ends, the
// process first reports not ready, then each part drains: servers finish
// the calls in flight and the worker its tasks, within the shutdown grace.
func (s *System) Run(ctx context.Context) error {
	defer s.close()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		<-gctx.Done()
		if s.Ops != nil {
			s.Ops.Drain()
		}
		return nil
	})
	for _, p := range s.parts {
		g.Go(func() error {
			if err := p.run(gctx); err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// Wait blocks until ctx ends or a part of a started system fails, then
// stops the system.
func (s *System) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	s.Stop()
	return s.err
}

// Stop stops a started system and waits for its parts to end; a system
// that was built but not started releases what it opened.
func (s *System) Stop() {
	if s.cancel == nil {
		s.close()
		return
	}
	s.cancel()
	<-s.done
}

// close releases what Build opened, last first.
func (s *System) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// run adds a part.
func (s *System) run(name string, f func(context.Context) error) {
	s.parts = append(s.parts, part{name: name, run: f})
}

// background adds a part that never fails the process (periodic reloads,
// purges): it runs until ctx ends.
func (s *System) background(name string, f func(context.Context)) {
	s.run(name, func(ctx context.Context) error { f(ctx); return nil })
}

// onClose registers a cleanup.
func (s *System) onClose(f func()) { s.closers = append(s.closers, f) }

package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

// Options says what a process runs.
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
	// FastPasswordHashing uses the lowest bcrypt cost (tests only).
	FastPasswordHashing bool
}

type builder func(ctx context.Context, p *Platform, o Options) (server.Server, error)

// builders build each Kitex service.
var builders = map[string]builder{
	config.Auth:     buildAuth,
	config.User:     buildUser,
	config.Product:  buildProduct,
	config.Cart:     buildCart,
	config.Order:    buildOrder,
	config.Payment:  buildPayment,
	config.Checkout: buildCheckout,
}

// Running is a started process.
type Running struct {
	Platform *Platform
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	errs     chan error
}

// Start builds and starts what o asks for, in dependency order (auth
// first), and returns once every part is serving.
func Start(ctx context.Context, cfg config.Config, o Options) (*Running, error) {
	p, err := NewPlatform(ctx, cfg, o.Identity, o.Listeners)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r := &Running{Platform: p, cancel: cancel, errs: make(chan error, 16)}
	fail := func(err error) (*Running, error) {
		r.Stop()
		return nil, err
	}
	if o.Gateway {
		// The sandbox first: the payment service and the worker call it.
		if err := startGateway(p); err != nil {
			return fail(fmt.Errorf("start the payment sandbox: %w", err))
		}
		for _, rn := range p.takeRunners() {
			r.serve(runCtx, rn.name, rn.run)
		}
	}
	for _, name := range config.Services {
		if !slices.Contains(o.Services, name) {
			continue
		}
		b, ok := builders[name]
		if !ok {
			return fail(fmt.Errorf("service %s is not built yet", name))
		}
		svr, err := b(ctx, p, o)
		if err != nil {
			return fail(fmt.Errorf("start %s: %w", name, err))
		}
		r.serve(runCtx, name, func(ctx context.Context) error { return rpc.Serve(ctx, svr) })
		for _, rn := range p.takeRunners() {
			r.serve(runCtx, rn.name, rn.run)
		}
	}
	if o.Worker {
		run, err := buildWorker(ctx, p)
		if err != nil {
			return fail(fmt.Errorf("start the worker: %w", err))
		}
		r.serve(runCtx, "worker", run)
	}
	p.runBackground(runCtx, &r.wg)
	return r, nil
}

// serve runs a part until the process stops.
func (r *Running) serve(ctx context.Context, name string, run func(context.Context) error) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.errs <- fmt.Errorf("%s: %w", name, err)
		}
	}()
}

// Wait blocks until ctx ends or a part fails, then stops everything.
func (r *Running) Wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-r.errs:
	}
	r.Stop()
	return err
}

// Stop stops every part and releases the platform.
func (r *Running) Stop() {
	r.cancel()
	r.wg.Wait()
	r.Platform.Close()
}

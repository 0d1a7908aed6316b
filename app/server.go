package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

// serviceNames are the full (protobuf) names of the services, which the
// gRPC health service answers for.
var serviceNames = map[string]string{
	config.User: "tempomall.user.v1.UserService", config.Auth: "tempomall.auth.v1.AuthService",
	config.Product: "tempomall.product.v1.ProductService", config.Cart: "tempomall.cart.v1.CartService",
	config.Checkout: "tempomall.checkout.v1.CheckoutService", config.Order: "tempomall.order.v1.OrderService",
	config.Payment: "tempomall.payment.v1.PaymentService",
}

// registrar registers a service's handler on its server.
type registrar func(server.Server) error

// service builds one Kitex service (its store, business logic and
// handler), then its server with the shared option suite and the
// process's guard, and adds the server to the parts.
func (b *builder) service(ctx context.Context, name string) error {
	builders := map[string]func(context.Context) (registrar, error){
		config.Auth:     b.auth,
		config.User:     b.user,
		config.Product:  b.product,
		config.Cart:     b.cart,
		config.Order:    b.order,
		config.Payment:  b.payment,
		config.Checkout: b.checkout,
	}
	build, ok := builders[name]
	if !ok {
		return fmt.Errorf("no service %q", name)
	}
	register, err := build(ctx)
	if err != nil {
		return err
	}
	ln, err := b.listen(name, b.cfg.Listen[name])
	if err != nil {
		return err
	}
	reg, err := newRegistry(b.cfg)
	if err != nil {
		return err
	}
	opts, err := rpc.ServerOptions(rpc.ServerConfig{
		Service: name, Listener: ln, Guard: b.guard, Registry: reg,
		Observer: &rpc.Observer{Metrics: b.sys.Metrics, Logger: b.sys.Telemetry.Logger},
		Limits: rpc.Limits{
			MaxConnections: b.cfg.Ops.MaxConnections, MaxQPS: b.cfg.Ops.MaxQPS, PublicQPS: b.cfg.Ops.PublicQPS,
			IsPublic: func(method string) bool {
				access, err := authn.AccessOf(name, method)
				return err == nil && access == authn.Public
			},
		},
		DrainTime: b.cfg.Ops.ShutdownGrace,
	})
	if err != nil {
		return err
	}
	if reg != nil {
		// Kitex registers the listener's address; a wildcard one is no
		// address to call (see advertised).
		opts = append(opts, server.WithRegistryInfo(&registry.Info{Addr: advertised(ln.Addr()), SkipListenAddr: true}))
	}
	svr := server.NewServer(opts...)
	if err := register(svr); err != nil {
		return err
	}
	health := &rpc.Health{
		Services: []string{serviceNames[name]},
		Ready:    func(ctx context.Context) bool { return b.sys.Ops.Ready(ctx) == nil },
	}
	if err := rpc.RegisterHealth(svr, health); err != nil {
		return err
	}
	b.sys.run(name, func(ctx context.Context) error { return rpc.Serve(ctx, svr) })
	return nil
}

// serveHTTP runs an HTTP server on ln until ctx ends, then shuts it down
// gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
		return err
	}
}

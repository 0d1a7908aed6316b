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

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

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
	opts, err := rpc.ServerOptions(rpc.ServerConfig{Service: name, Listener: ln, Guard: b.guard, Registry: reg})
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

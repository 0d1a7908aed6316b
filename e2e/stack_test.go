package e2e_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

// stack is a running tempomall for one test: every listener on a random
// port, state in the test's temporary directory.
type stack struct {
	cfg     config.Config
	run     *app.System
	clients *clients.Clients
}

// startStack starts the given services.
func startStack(t testing.TB, services ...string) *stack {
	t.Helper()
	return startStackWith(t, nil, services...)
}

// startStackWith starts the given services after tweak has changed the
// configuration and the options (nil: none).
func startStackWith(t testing.TB, tweak func(*config.Config, *app.Options), services ...string) *stack {
	t.Helper()
	cfg := config.Default(t.TempDir())
	cfg.ServiceSecret = "test-service-secret"
	cfg.AdminPassword = "Admin-pass-123"
	listeners := map[string]net.Listener{}
	for _, s := range services {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		listeners[s] = ln
		cfg.Listen[s] = ln.Addr().String()
	}
	// Services not started still need an address that refuses quickly.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o := app.Options{Identity: "tempomall", Services: services, Listeners: listeners, FastPasswordHashing: true}
	if tweak != nil {
		tweak(&cfg, &o)
	}
	run, err := app.Start(ctx, cfg, o)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(run.Stop)
	clients, err := dialClients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &stack{cfg: cfg, run: run, clients: clients}
}

// as returns a context whose calls carry token.
func as(token string) context.Context { return rpc.WithToken(context.Background(), token) }

// dialClients returns clients that call as an outside caller would: with
// the token of rpc.WithToken, or none, resolving the services as cfg
// says (static addresses or discovery).
func dialClients(cfg config.Config) (*clients.Clients, error) {
	res, err := app.Resolver(cfg)
	if err != nil {
		return nil, err
	}
	return clients.New(cfg, clients.Options{Resolver: res})
}

package e2e_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/workflows/search"
)

// temporalCLIEnv names the Temporal CLI binary the end-to-end tests run as
// dev server; `make test` sets it to bin/temporal (which it builds).
const temporalCLIEnv = "TEMPOMALL_TEMPORAL_CLI"

// full is the complete system of the Temporal tests: a dev server, every
// service, the worker, the webhook endpoint and the payment sandbox. It is
// shared by the tests of the package (they would otherwise share task
// queues) and stopped by TestMain.
var full struct {
	once  sync.Once
	err   error
	dev   *testsuite.DevServer
	stack *stack
	tc    client.Client
	svc   *clients.Clients
	// spans are every span the system exported; logs its log (JSON, debug
	// and up); ops the address of its /metrics, /healthz and /readyz.
	spans  *tracetest.InMemoryExporter
	logs   *lockedBuffer
	ops    string
	cancel func()
}

// Timing of the shared stack: short enough for tests, in the same order
// as production (reconcile < order expiry < payment timeout).
const (
	testReconcileAfter = time.Second
	testOrderTimeout   = 8 * time.Second
	testPaymentTimeout = 12 * time.Second
)

func TestMain(m *testing.M) {
	code := m.Run()
	if full.cancel != nil {
		full.cancel()
	}
	os.Exit(code)
}

// fullStack returns the shared system, starting it on first use; it skips
// the test when no Temporal CLI is available.
func fullStack(t *testing.T) *stack {
	t.Helper()
	cli := temporalCLI(t)
	full.once.Do(func() { full.err = startFull(cli) })
	if full.err != nil {
		t.Fatalf("start the system: %v", full.err)
	}
	return full.stack
}

// temporalCLI returns the Temporal CLI the tests run as dev server, or
// skips the test.
func temporalCLI(t *testing.T) string {
	t.Helper()
	cli := os.Getenv(temporalCLIEnv)
	if cli == "" {
		cli = filepath.Join("..", "bin", "temporal")
		if _, err := os.Stat(cli); err != nil {
			t.Skipf("no Temporal CLI: run `make test`, or set %s", temporalCLIEnv)
		}
	}
	return cli
}

// startDevServer starts a Temporal dev server (in memory, on random ports)
// with eager activities and the workflows' search attributes.
func startDevServer(ctx context.Context, cli string) (*testsuite.DevServer, error) {
	args := []string{"--dynamic-config-value", "system.enableActivityEagerExecution=true"}
	args = append(args, search.DevServerFlags()...)
	dev, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: cli,
		LogLevel:     "error",
		ExtraArgs:    args,
		Stdout:       devNull{}, Stderr: devNull{},
	})
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	return dev, nil
}

func startFull(cli string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tempomall-e2e-")
	if err != nil {
		return err
	}
	dev, err := startDevServer(ctx, cli)
	if err != nil {
		return err
	}
	cfg := config.Default(dir)
	cfg.ServiceSecret = "test-service-secret"
	cfg.GatewayAPIKey = "sk_test_e2e"
	cfg.GatewayWebhookSecret = "whsec_e2e"
	cfg.AdminPassword = "Admin-pass-123"
	cfg.TemporalHostPort = dev.FrontendHostPort()
	cfg.PaymentReconcileAfter = testReconcileAfter
	cfg.OrderPaymentTimeout = testOrderTimeout
	cfg.PaymentTimeout = testPaymentTimeout
	listeners := map[string]net.Listener{}
	listen := func(name string) (string, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		listeners[name] = ln
		return ln.Addr().String(), nil
	}
	for _, s := range config.Services {
		if cfg.Listen[s], err = listen(s); err != nil {
			return err
		}
	}
	webhook, err := listen("webhook")
	if err != nil {
		return err
	}
	gw, err := listen("gateway")
	if err != nil {
		return err
	}
	cfg.WebhookURL, cfg.GatewayURL = "http://"+webhook+"/webhooks/gateway", "http://"+gw
	if full.ops, err = listen("ops"); err != nil {
		return err
	}
	codec, err := listen("codec")
	if err != nil {
		return err
	}
	cfg.Ops.CodecListen = codec
	cfg.Ops.CodecKeys = "e2e:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	cfg.Ops.LogLevel = "debug"
	full.spans, full.logs = tracetest.NewInMemoryExporter(), &lockedBuffer{}
	run, err := app.Start(ctx, cfg, app.Options{
		Identity: "tempomall", Services: config.Services, Worker: true, Gateway: true, Codec: true,
		Listeners: listeners, FastPasswordHashing: true, SpanExporter: full.spans, LogOutput: full.logs,
	})
	if err != nil {
		_ = dev.Stop()
		return err
	}
	clients, err := dialClients(cfg)
	if err != nil {
		return err
	}
	svc := run.Clients
	if _, err := app.EnsureAdmin(ctx, svc, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return err
	}
	tc := run.Temporal
	full.stack = &stack{cfg: cfg, run: run, clients: clients}
	full.tc, full.svc, full.dev = tc, svc, dev
	full.cancel = func() {
		run.Stop()
		_ = dev.Stop()
		_ = os.RemoveAll(dir)
	}
	return nil
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }

package e2e_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
)

// tempomallPath returns the tempomall binary `make test` builds, or skips.
func tempomallPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TEMPOMALL_BIN")
	if path == "" {
		path = filepath.Join("..", "bin", "tempomall")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no tempomall binary at %s: run `make test`, or set TEMPOMALL_BIN", path)
	}
	return path
}

// TestSIGTERMDrainsACheckout runs the checkout service as its own process,
// sends SIGTERM while a checkout is in flight, and sees the checkout
// answered and the process exit cleanly within its shutdown grace. The
// checkout is held in flight by a namespace whose worker starts only after
// the signal.
func TestSIGTERMDrainsACheckout(t *testing.T) {
	s := fullStack(t)
	bin := tempomallPath(t)
	ctx := context.Background()
	const ns = "drain-test"
	out, err := exec.Command(os.Getenv(temporalCLIEnv), "operator", "namespace", "create", "--namespace", ns,
		"--address", s.cfg.TemporalHostPort).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "already") {
		t.Fatalf("create namespace: %v\n%s", err, out)
	}
	cfg := s.cfg
	cfg.TemporalNamespace = ns
	if _, err := app.RegisterSearchAttributes(ctx, cfg); err != nil {
		t.Fatal(err)
	}

	// The checkout service alone, in its own process.
	port := freeAddr(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", config.Checkout)
	cmd.Env = append(os.Environ(),
		"TEMPOMALL_DATA_DIR="+dir,
		"TEMPOMALL_CHECKOUT_LISTEN="+port,
		"TEMPOMALL_TEMPORAL_ADDR="+cfg.TemporalHostPort,
		"TEMPOMALL_TEMPORAL_NAMESPACE="+ns,
		"TEMPOMALL_SERVICE_SECRET="+cfg.ServiceSecret,
		"TEMPOMALL_CODEC_KEYS="+cfg.Ops.CodecKeys,
		"TEMPOMALL_SHUTDOWN_GRACE=20s",
		"TEMPOMALL_LOG_LEVEL=warn",
	)
	for _, svc := range config.Services {
		if svc != config.Checkout {
			cmd.Env = append(cmd.Env, fmt.Sprintf("TEMPOMALL_%s_ADDR=%s", strings.ToUpper(svc), cfg.Listen[svc]))
		}
	}
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	dial := cfg
	dial.Dial = map[string]string{config.Checkout: port}
	c, err := clients.New(dial, clients.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := s.buy(t, 1)
	waitFor(t, 30*time.Second, "the checkout process to listen", func() bool {
		conn, err := net.DialTimeout("tcp", port, 100*time.Millisecond)
		if err == nil {
			_ = conn.Close()
		}
		return err == nil
	})
	answered := make(chan error, 1)
	go func() {
		resp, err := c.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "drain", Address: homeAddress})
		if err == nil && resp.GetCheckout().GetOrderId() == "" {
			err = fmt.Errorf("answered without an order: %+v", resp.GetCheckout())
		}
		answered <- err
	}()
	// Wait until the workflow waits for its worker: the call is in flight.
	waitFor(t, 20*time.Second, "the checkout's workflow", func() bool {
		select {
		case err := <-answered:
			t.Fatalf("the checkout was answered before its worker ran: %v\n%s", err, logs.String())
		default:
		}
		resp, err := s.runsIn(ctx, ns, "WorkflowType='OrderLifecycle'")
		return err == nil && resp > 0
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	select {
	case err := <-exited:
		t.Fatalf("the process exited before answering the call in flight: %v\n%s", err, logs.String())
	default:
	}
	// Now a worker of the namespace: the workflow runs, the update is
	// answered, and the draining process answers its caller.
	wcfg := cfg
	wcfg.DataDir = t.TempDir()
	worker, err := app.Start(ctx, wcfg, app.Options{Identity: "worker", Worker: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
	select {
	case err := <-answered:
		if err != nil {
			t.Fatalf("the checkout in flight: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the checkout in flight was not answered")
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the process exited with %v\n%s", err, logs.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("the process did not exit after SIGTERM")
	}
}

// runsIn counts the workflow runs of a namespace matching a query.
func (s *stack) runsIn(ctx context.Context, ns, query string) (int, error) {
	c, err := app.DialTemporal(ctx, config.Config{TemporalHostPort: s.cfg.TemporalHostPort, TemporalNamespace: ns}, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: ns, Query: query})
	if err != nil {
		return 0, err
	}
	return int(resp.GetCount()), nil
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

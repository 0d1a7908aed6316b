package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/workflows/search"
)

// runDev starts everything on this machine: the Temporal dev server (state
// in DataDir/temporal.db, so a restart resumes running workflows), every
// service, the worker and the payment sandbox; it seeds the admin and a
// demo catalog, prints what runs where, and stops everything on Ctrl-C.
func runDev(ctx context.Context, cfg config.Config) error {
	began := time.Now()
	if os.Getenv("TEMPOMALL_ORDER_PAYMENT_TIMEOUT") == "" {
		// Short enough to watch an order expire; production keeps 15m.
		cfg.OrderPaymentTimeout = devPaymentWindow
	}
	// On a developer's machine: readable logs, the ops endpoint on.
	if os.Getenv("TEMPOMALL_LOG_FORMAT") == "" {
		cfg.Ops.LogFormat = "text"
	}
	if os.Getenv("TEMPOMALL_LOG_LEVEL") == "" {
		cfg.Ops.LogLevel = "warn"
	}
	if os.Getenv("TEMPOMALL_METRICS_LISTEN") == "" {
		cfg.Ops.MetricsListen = devMetricsListen
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	if err := cfg.EnsureSecrets(); err != nil {
		return err
	}
	temporal, err := startTemporal(cfg)
	if err != nil {
		return err
	}
	defer temporal.stop()
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	run, err := app.Start(startCtx, cfg, app.Options{
		Identity: "tempomall", Services: config.Services, Worker: true, Gateway: true, Codec: true,
	})
	if err != nil {
		return err
	}
	if err := seed(startCtx, run, cfg); err != nil {
		run.Stop()
		return err
	}
	printReady(cfg, temporal, time.Since(began))
	err = run.Wait(ctx)
	fmt.Println("\nstopping...")
	return err
}

func seed(ctx context.Context, run *app.System, cfg config.Config) error {
	return seedWith(ctx, run.Clients, cfg)
}

// seedWith creates the admin and, when the catalog is empty, the demo
// catalog.
func seedWith(ctx context.Context, clients *clients.Clients, cfg config.Config) error {
	if _, err := app.EnsureAdmin(ctx, clients, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return err
	}
	login, err := clients.User.Login(ctx, &user.LoginRequest{Login: cfg.AdminEmail, Password: cfg.AdminPassword})
	if err != nil {
		return err
	}
	n, err := app.SeedCatalog(ctx, clients, login.GetTokens().GetAccessToken(), cfg.CatalogCurrency)
	if n > 0 {
		fmt.Printf("seeded a demo catalog of %d products and the coupon WELCOME10\n", n)
	}
	return err
}

// devPaymentWindow is how long unpaid orders wait under `tempomall dev`.
const devPaymentWindow = time.Minute

// devMetricsListen is the ops endpoint of `tempomall dev`.
const devMetricsListen = "127.0.0.1:9090"

// devTemporal is the Temporal dev server of `tempomall dev`.
type devTemporal struct {
	cmd   *exec.Cmd
	reuse bool
}

func (t *devTemporal) stop() {
	if t.cmd == nil || t.cmd.Process == nil {
		return
	}
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = t.cmd.Process.Kill()
	}
}

// startTemporal starts the Temporal CLI's dev server, or uses the one
// already listening on the configured address.
func startTemporal(cfg config.Config) (*devTemporal, error) {
	host, port, err := net.SplitHostPort(cfg.TemporalHostPort)
	if err != nil {
		return nil, fmt.Errorf("TEMPOMALL_TEMPORAL_ADDR: %w", err)
	}
	if c, err := net.DialTimeout("tcp", cfg.TemporalHostPort, 300*time.Millisecond); err == nil {
		_ = c.Close()
		fmt.Printf("using the Temporal server already listening on %s\n", cfg.TemporalHostPort)
		return &devTemporal{reuse: true}, nil
	}
	cli := os.Getenv("TEMPOMALL_TEMPORAL_CLI")
	if cli == "" {
		cli = filepath.Join("bin", "temporal")
	}
	if _, err := os.Stat(cli); err != nil {
		return nil, errors.New("no Temporal CLI at " + cli + ": run `make dev` (it builds bin/temporal) or set TEMPOMALL_TEMPORAL_CLI")
	}
	args := []string{"server", "start-dev",
		"--ip", host, "--port", port, "--ui-port", cfg.TemporalUIPort(),
		"--db-filename", filepath.Join(cfg.DataDir, "temporal.db"),
		"--namespace", cfg.TemporalNamespace,
		"--log-level", "warn",
		"--dynamic-config-value", "system.enableActivityEagerExecution=true",
		// The Web UI decodes the encrypted payloads through the codec server.
		"--ui-codec-endpoint", cfg.CodecEndpoint(),
	}
	args = append(args, search.DevServerFlags()...)
	logFile, err := os.OpenFile(filepath.Join(cfg.DataDir, "temporal.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(cli, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cli, err)
	}
	return &devTemporal{cmd: cmd}, nil
}

func printReady(cfg config.Config, t *devTemporal, took time.Duration) {
	fmt.Println()
	fmt.Println("tempomall is running                       (Ctrl-C stops everything)")
	fmt.Println()
	fmt.Printf("  %-22s %s\n", "service", "address")
	for _, s := range config.Services {
		fmt.Printf("  %-22s %s  (Kitex + gRPC)\n", s, cfg.Listen[s])
	}
	fmt.Printf("  %-22s %s\n", "payment webhooks", cfg.WebhookURL)
	fmt.Printf("  %-22s %s\n", "payment sandbox", cfg.GatewayURL)
	note := ""
	if t.reuse {
		note = "  (already running)"
	}
	fmt.Printf("  %-22s %s%s\n", "temporal", cfg.TemporalHostPort, note)
	fmt.Printf("  %-22s %s\n", "temporal web ui", cfg.TemporalUIURL())
	fmt.Printf("  %-22s %s\n", "codec server", cfg.CodecEndpoint())
	fmt.Printf("  %-22s %s\n", "metrics and health", "http://"+cfg.Ops.MetricsListen+"/metrics, /healthz, /readyz")
	fmt.Println()
	store := "SQLite files in " + cfg.DataDir
	if cfg.MySQLDSN != "" {
		store = "MySQL"
	}
	cache := "in-process"
	if cfg.RedisAddr != "" {
		cache = "Redis at " + cfg.RedisAddr
	}
	fmt.Printf("  data: %s; caches and revocation: %s\n", store, cache)
	fmt.Printf("  admin: %s, password in %s\n", cfg.AdminEmail, cfg.SecretsPath())
	fmt.Printf("  unpaid orders expire after %s (TEMPOMALL_ORDER_PAYMENT_TIMEOUT)\n", cfg.OrderPaymentTimeout)
	fmt.Println()
	fmt.Println("  try:    bin/mallctl demo")
	fmt.Println("  watch:  bin/temporal workflow list")
	fmt.Println()
	fmt.Printf("ready in %s\n", took.Round(10*time.Millisecond))
}

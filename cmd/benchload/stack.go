package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/cmd/internal/stackrun"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// The benchmark's ports, all in 18200-18399.
const (
	portTemporal        = 18200 // +1 HTTP, +2 metrics
	portServices        = 18210 // 7, in config.Services order
	portWebhook         = 18217
	portGateway         = 18218
	portCodec           = 18219
	portMetrics         = 18220 // sandbox, 7 services, worker, bare worker
	portDev             = 18300 // tempomall dev: 7 services, then webhook, gateway, codec, metrics
	devNamespace        = "benchdev"
	procTemporal        = "temporal"
	procSandbox         = "sandbox"
	procWorker          = "worker"
	procBare            = "bare worker"
	accessTokenLifetime = 12 * time.Hour
)

func addr(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// stack is the system under load: the Temporal dev server, one process
// per service, the worker, the sandbox and the bare worker.
type stack struct {
	o        options
	dir      string
	cfg      config.Config
	env      []string
	procs    *procs
	byName   map[string]*proc
	temporal client.Client
	mysql    *dbx.Database
	redis    *redistest.Database
}

// stackConfig is the configuration of the stack's processes (metrics
// listen address left to each process).
func stackConfig(dataDir string) config.Config {
	cfg := config.Default(dataDir)
	for i, s := range config.Services {
		cfg.Listen[s] = addr(portServices + i)
	}
	cfg.TemporalHostPort = addr(portTemporal)
	cfg.WebhookListen = addr(portWebhook)
	cfg.WebhookURL = "http://" + cfg.WebhookListen + "/webhooks/gateway"
	cfg.GatewayListen = addr(portGateway)
	cfg.GatewayURL = "http://" + cfg.GatewayListen
	cfg.Ops.CodecListen = addr(portCodec)
	cfg.Ops.LogLevel = "warn"
	cfg.ServiceSecret = "svc_bench_" + stackrun.RandomHex(12)
	cfg.GatewayAPIKey = "sk_test_bench_" + stackrun.RandomHex(12)
	cfg.GatewayWebhookSecret = "whsec_bench_" + stackrun.RandomHex(12)
	cfg.AdminEmail = "admin@bench.tempomall.local"
	cfg.AdminPassword = "Bench-admin-" + stackrun.RandomHex(6)
	cfg.AccessTokenTTL = accessTokenLifetime // shoppers log in once
	return cfg
}

func newStack(ctx context.Context, o options, dir string) (*stack, error) {
	s := &stack{o: o, dir: dir, byName: map[string]*proc{}}
	for _, d := range []string{filepath.Join(dir, "data"), filepath.Join(dir, "logs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	s.procs = &procs{dir: filepath.Join(dir, "logs")}
	s.cfg = stackConfig(filepath.Join(dir, "data"))
	if o.mysql != "" {
		db, err := dbx.CreateDatabase(ctx, o.mysql, "tempomall_bench_")
		if err != nil {
			return nil, err
		}
		s.mysql, s.cfg.MySQLDSN = db, db.DSN
	}
	if o.redis != "" {
		r, err := redistest.Claim(ctx, o.redis, -1, "tempomall-bench:claimed-by", filepath.Base(dir))
		if err != nil {
			s.release()
			return nil, err
		}
		s.redis, s.cfg.RedisAddr, s.cfg.RedisDB = r, r.Addr, r.DB
	}
	s.env = config.ChildEnviron(s.cfg)
	return s, nil
}

// describe says what the stack is made of, for the report.
func (s *stack) describe() string {
	store := "SQLite (one file per store)"
	if s.mysql != nil {
		store = "MariaDB/MySQL (a fresh database)"
	}
	cache := "in-process caches"
	if s.redis != nil {
		cache = fmt.Sprintf("Redis database %d", s.redis.DB)
	}
	return "one process per service, worker, sandbox; " + store + ", " + cache + "; Temporal dev server in memory"
}

// envWithMetrics is the stack's environment with a process's ops endpoint.
func (s *stack) envWithMetrics(port int) []string {
	return stackrun.With(s.env, "TEMPOMALL_METRICS_LISTEN="+addr(port))
}

func readyURL(port int) string { return "http://" + addr(port) + "/readyz" }

// add starts a process and waits until it is ready.
func (s *stack) add(ctx context.Context, name, bin string, args, env []string, metricsPort int, listen string) error {
	ready := ""
	if metricsPort != 0 {
		ready = readyURL(metricsPort)
	}
	p, err := s.procs.start(name, bin, args, env, ready)
	if err != nil {
		return err
	}
	s.byName[name] = p
	return p.waitReady(ctx, listen, 2*time.Minute)
}

// start starts the system in dependency order: Temporal, the stores'
// migrations, the sandbox, auth and the other services, the worker, and
// the bare worker.
func (s *stack) start(ctx context.Context) error {
	dev := stackrun.DevServer{Port: portTemporal, HTTPPort: portTemporal + 1, MetricsPort: portTemporal + 2, Namespaces: []string{devNamespace}}
	args := append(dev.Args(), strings.Fields(s.o.temporalArgs)...)
	if err := s.add(ctx, procTemporal, s.o.temporalCLI, args, os.Environ(), 0, s.cfg.TemporalHostPort); err != nil {
		return err
	}
	var err error
	if s.temporal, err = stackrun.DialTemporal(ctx, s.cfg.TemporalHostPort, s.cfg.TemporalNamespace); err != nil {
		return err
	}
	logs := s.procs.dir
	if err := stackrun.RunOnce(ctx, s.env, filepath.Join(logs, "migrate.log"), s.o.tempomall, "migrate"); err != nil {
		return err
	}
	if err := s.add(ctx, procSandbox, s.o.tempomall, []string{"sandbox"}, s.envWithMetrics(portMetrics), portMetrics, ""); err != nil {
		return err
	}
	for i, name := range config.Services { // auth first: the others fetch its keys
		port := portMetrics + 1 + i
		if err := s.add(ctx, name, s.o.tempomall, []string{"serve", name}, s.envWithMetrics(port), port, ""); err != nil {
			return err
		}
	}
	if err := s.add(ctx, procWorker, s.o.tempomall, []string{"worker"}, s.envWithMetrics(portMetrics+8), portMetrics+8, ""); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareArgs := []string{bareWorkerCommand, s.cfg.TemporalHostPort, s.cfg.TemporalNamespace}
	bp, err := s.procs.start(procBare, self, bareArgs, os.Environ(), "")
	if err != nil {
		return err
	}
	s.byName[procBare] = bp
	if err := stackrun.WaitPollers(ctx, s.temporal, time.Minute, orderwf.TaskQueue, bareTaskQueue); err != nil {
		return fmt.Errorf("%w (logs in %s)", err, s.procs.dir)
	}
	return nil
}

// measured are the processes whose CPU and memory the report shows, in
// its order.
func (s *stack) measured() []*proc {
	var out []*proc
	for _, name := range processOrder {
		if p := s.byName[name]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// stop stops every process and gives the databases back.
func (s *stack) stop() {
	if s.temporal != nil {
		s.temporal.Close()
	}
	s.procs.stopAll()
	s.release()
}

func (s *stack) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.mysql != nil {
		if err := s.mysql.Drop(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "benchload: drop MySQL database %s: %v\n", s.mysql.Name, err)
		}
		s.mysql = nil
	}
	if s.redis != nil {
		if err := s.redis.Release(ctx, app.RedisPrefix+"*"); err != nil {
			fmt.Fprintf(os.Stderr, "benchload: clean Redis database %d: %v\n", s.redis.DB, err)
		}
		s.redis = nil
	}
}

// devEnv is the environment of `tempomall dev` beside the stack: its own
// ports, data directory and namespace on the stack's Temporal server.
func (s *stack) devEnv(dataDir string) []string {
	cfg := stackConfig(dataDir)
	for i, svc := range config.Services {
		cfg.Listen[svc] = addr(portDev + i)
	}
	cfg.WebhookListen = addr(portDev + 7)
	cfg.WebhookURL = "http://" + cfg.WebhookListen + "/webhooks/gateway"
	cfg.GatewayListen = addr(portDev + 8)
	cfg.GatewayURL = "http://" + cfg.GatewayListen
	cfg.Ops.CodecListen = addr(portDev + 9)
	cfg.Ops.MetricsListen = addr(portDev + 10)
	cfg.TemporalNamespace = devNamespace
	cfg.MySQLDSN, cfg.RedisAddr = "", ""
	return stackrun.With(config.ChildEnviron(cfg), "TEMPOMALL_TEMPORAL_CLI="+s.o.temporalCLI)
}

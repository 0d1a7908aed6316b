package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/cmd/internal/stackrun"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/crashpoint"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// redisClaimKey marks a Redis database as taken by a chaos run.
const redisClaimKey = "tempomall-chaos:claimed-by"

// Process names besides the services (config.Services).
const (
	procTemporal = "temporal"
	procWorker   = "worker"
	procSandbox  = "sandbox"
)

// cluster is the system under test: its processes, their configuration
// and where their state lives.
type cluster struct {
	opts    options
	dir     string // the run's directory: data/, logs/, events.log
	dataDir string
	ports   portPlan
	// cfg is the configuration the processes run with, as the harness's
	// own clients and store readers need it.
	cfg    config.Config
	env    []string // TEMPOMALL_* of every tempomall process
	events *eventLog
	mysql  *dbx.Database
	redis  *redistest.Database

	procs map[string]*process
	// crashSpec is the worker's TEMPOMALL_CRASH_POINTS ("" when disarmed),
	// read at each start of the worker.
	crashMu   sync.Mutex
	crashSpec string
	// workerArmed: the running worker started with crash points.
	workerArmed bool

	temporal client.Client
}

// newCluster lays out the run: directory, ports, databases, secrets and
// settings. It starts nothing.
func newCluster(ctx context.Context, o options, ports portPlan, events *eventLog, dir string) (*cluster, error) {
	c := &cluster{opts: o, dir: dir, dataDir: filepath.Join(dir, "data"), ports: ports, events: events, procs: map[string]*process{}}
	for _, d := range []string{c.dataDir, filepath.Join(dir, "logs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	cfg := config.Default(c.dataDir)
	for i, s := range config.Services {
		cfg.Listen[s] = ports.addr(offServices + i)
	}
	cfg.TemporalHostPort = ports.addr(offTemporal)
	cfg.WebhookListen = ports.addr(offWebhook)
	cfg.WebhookURL = "http://" + cfg.WebhookListen + "/webhooks/gateway"
	cfg.GatewayListen = ports.addr(offGateway)
	cfg.GatewayURL = "http://" + cfg.GatewayListen
	cfg.ServiceSecret = "svc_chaos_" + stackrun.RandomHex(12)
	cfg.GatewayAPIKey = "sk_test_chaos_" + stackrun.RandomHex(12)
	cfg.GatewayWebhookSecret = "whsec_chaos_" + stackrun.RandomHex(12)
	cfg.AdminEmail = "admin@chaos.tempomall.local"
	cfg.AdminPassword = "Chaos-admin-" + stackrun.RandomHex(6)
	cfg.OrderPaymentTimeout = o.orderTimeout
	cfg.PaymentTimeout = o.paymentTimeout
	cfg.PaymentReconcileAfter = o.reconcileAfter
	cfg.CheckoutTTL = o.checkoutTTL
	if o.mysqlDSN != "" {
		db, err := dbx.CreateDatabase(ctx, o.mysqlDSN, "tempomall_chaos_")
		if err != nil {
			return nil, err
		}
		c.mysql, cfg.MySQLDSN = db, db.DSN
	}
	if o.redisAddr != "" {
		r, err := redistest.Claim(ctx, o.redisAddr, o.redisDB, redisClaimKey, filepath.Base(dir))
		if err != nil {
			c.releaseBackends(ctx, false)
			return nil, err
		}
		c.redis, cfg.RedisAddr, cfg.RedisDB = r, r.Addr, r.DB
	}
	c.cfg = cfg
	c.env = config.ChildEnviron(cfg)
	return c, nil
}

// armCrashPoints sets the worker's crash points for its next start ("" disarms).
func (c *cluster) armCrashPoints(spec string) {
	c.crashMu.Lock()
	c.crashSpec = spec
	c.crashMu.Unlock()
}

// crashArmedNow reports whether the running worker has crash points.
func (c *cluster) crashArmedNow() bool {
	c.crashMu.Lock()
	defer c.crashMu.Unlock()
	return c.workerArmed
}

// workerEnv is the worker's environment for its next start.
func (c *cluster) workerEnv() []string {
	c.crashMu.Lock()
	spec := c.crashSpec
	c.workerArmed = spec != ""
	c.crashMu.Unlock()
	env := c.env
	if spec != "" {
		env = append(append([]string{}, env...), crashpoint.Env+"="+spec)
	}
	return env
}

// temporalArgs are the dev server's flags: its state file (a restart
// resumes), its ports in the block, the search attributes and eager
// activities.
func (c *cluster) temporalArgs() []string {
	return stackrun.DevServer{
		Port: c.ports.base + offTemporal, HTTPPort: c.ports.base + offTemporalHTTP, MetricsPort: c.ports.base + offTemporalMetrics,
		DBFile: filepath.Join(c.dataDir, "temporal.db"),
	}.Args()
}

// add creates a kept process.
func (c *cluster) add(name, bin string, args []string, env func() []string, addr string) (*process, error) {
	p, err := newProcess(name, bin, args, env, addr, filepath.Join(c.dir, "logs", name+".log"))
	if err != nil {
		return nil, err
	}
	p.events = c.events.Printf
	c.procs[name] = p
	return p, nil
}

// start starts the system in dependency order and returns once every
// part answers: Temporal, the stores' migrations, the sandbox, auth, the
// other services, the worker.
func (c *cluster) start(ctx context.Context) error {
	staticEnv := func() []string { return c.env }
	tp, err := c.add(procTemporal, c.opts.temporalCLI, c.temporalArgs(), func() []string { return os.Environ() }, c.cfg.TemporalHostPort)
	if err != nil {
		return err
	}
	if err := c.startAndWait(ctx, tp, time.Minute); err != nil {
		return err
	}
	if c.temporal, err = stackrun.DialTemporal(ctx, c.cfg.TemporalHostPort, c.cfg.TemporalNamespace); err != nil {
		return err
	}
	if err := c.runOnce(ctx, "migrate"); err != nil {
		return err
	}
	sb, err := c.add(procSandbox, c.opts.tempomall, []string{"sandbox"}, staticEnv, c.cfg.GatewayListen)
	if err != nil {
		return err
	}
	if err := c.startAndWait(ctx, sb, 30*time.Second); err != nil {
		return err
	}
	for _, s := range config.Services { // auth first: the others fetch its keys
		p, err := c.add(s, c.opts.tempomall, []string{"serve", s}, staticEnv, c.cfg.Listen[s])
		if err != nil {
			return err
		}
		if err := c.startAndWait(ctx, p, time.Minute); err != nil {
			return err
		}
	}
	wp, err := c.add(procWorker, c.opts.tempomall, []string{"worker"}, c.workerEnv, "")
	if err != nil {
		return err
	}
	if err := wp.keep(); err != nil {
		return err
	}
	if err := stackrun.WaitPollers(ctx, c.temporal, time.Minute, orderwf.TaskQueue); err != nil {
		return fmt.Errorf("%w (log: %s)", err, filepath.Join(c.dir, "logs", "worker.log"))
	}
	return nil
}

func (c *cluster) startAndWait(ctx context.Context, p *process, within time.Duration) error {
	if err := p.keep(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	return p.waitReady(ctx, within, true)
}

// runOnce runs a one-shot tempomall command (migrate) to its end.
func (c *cluster) runOnce(ctx context.Context, command string) error {
	return stackrun.RunOnce(ctx, c.env, filepath.Join(c.dir, "logs", command+".log"), c.opts.tempomall, command)
}

// allRunning waits until every process runs (the keepers restart the
// dead ones) and answers on its address.
func (c *cluster) allRunning(ctx context.Context, within time.Duration) error {
	var errs []error
	for _, p := range c.procs {
		if err := p.waitReady(ctx, within, false); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stop stops every process, the worker and the services first, Temporal
// last.
func (c *cluster) stop() {
	order := append([]string{procWorker}, config.Services...)
	order = append(order, procSandbox, procTemporal)
	var wg sync.WaitGroup
	for _, name := range order[:len(order)-1] {
		if p := c.procs[name]; p != nil {
			wg.Add(1)
			go func() { defer wg.Done(); p.stop(10 * time.Second) }()
		}
	}
	wg.Wait()
	if c.temporal != nil {
		c.temporal.Close()
	}
	if p := c.procs[procTemporal]; p != nil {
		p.stop(10 * time.Second)
	}
}

// releaseBackends drops the MySQL database (unless keep) and gives the
// Redis database back.
func (c *cluster) releaseBackends(ctx context.Context, keep bool) {
	if c.mysql != nil && !keep {
		if err := c.mysql.Drop(ctx); err != nil {
			c.events.Say("drop MySQL database %s: %v", c.mysql.Name, err)
		}
	}
	if c.redis != nil {
		if err := c.redis.Release(ctx, app.RedisPrefix+"*"); err != nil {
			c.events.Say("clean Redis database %d: %v", c.redis.DB, err)
		}
	}
}

// Command chaos crash-tests tempomall as a whole: the Temporal dev server
// (with a state file), one process per Kitex service, the worker and the
// payment sandbox run as separate OS processes configured through
// TEMPOMALL_* variables; shoppers loop through journeys (checkout with
// the sandbox's test cards, declined then paid, cancelled, expired,
// refunded in full or in part), retrying every unanswered call with the
// same idempotency key; a killer SIGKILLs the worker, the services, the
// sandbox and once the Temporal server at random moments, and the worker
// at named crash points (package crashpoint). When the time is up it
// waits for the system to settle and checks invariants from the public
// API, the stores, the sandbox's ledger and Temporal's visibility:
//
//	chaos -n 8 -duration 60s                       (make chaos)
//	chaos -n 200 -duration 10m                     (make chaos N=200 DURATION=10m)
//	chaos -mysql-dsn 'root:@tcp(127.0.0.1:3306)/' -redis-addr 127.0.0.1:6379
//
// It exits 0 when every invariant held, 1 when one was violated and 2
// when the system could not be set up. See chaos -h for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/clients"
)

func main() {
	o, err := parseOptions(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	klog.SetLevel(klog.LevelFatal) // the harness's clients: failures are counted, not logged
	os.Exit(run(o))
}

// run runs the whole test and returns the exit status.
func run(o options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rng := rand.New(rand.NewPCG(o.seed, o.seed>>1|1))
	dir, events, c, err := prepare(ctx, o, rng)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 2
	}
	rep := &report{began: time.Now(), opts: o, dir: dir, backend: backendName(c)}
	keep := true // until the run passes
	defer func() {
		c.stop()
		c.releaseBackends(context.Background(), keep)
		if !keep {
			_ = os.RemoveAll(dir)
		}
	}()
	events.Say("chaos: %d shoppers for %s, seed %d, ports %d-%d, %s; state and logs in %s",
		o.shoppers, o.duration, o.seed, c.ports.base, c.ports.base+portBlock-1, rep.backend, dir)

	// Set up: start the system, the admin and the products.
	if err := c.start(ctx); err != nil {
		events.Say("setup failed: %v", err)
		return 2
	}
	clients, err := clients.New(c.cfg, clients.Options{})
	if err != nil {
		events.Say("setup failed: %v", err)
		return 2
	}
	counts := &retries{}
	products, err := seedSystem(ctx, c.cfg, clients, counts, o.shoppers)
	if err != nil {
		events.Say("setup failed: %v", err)
		return 2
	}
	rep.mark("setup")

	// Shop while the killer kills, then let the calls in flight answer.
	k := newKiller(c, o, rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())), events)
	j := shop(ctx, o, c, clients, products, counts, k, rng, events, rep)

	// Settle: no more crash points; wait for orders and payments to rest.
	k.disarm()
	st, err := openStores(ctx, c.cfg)
	if err != nil {
		events.Say("open the stores: %v", err)
		return 2
	}
	defer st.close()
	events.Say("settling (up to %s)", o.settle)
	rep.unsettled = settle(ctx, c, st, o.settle, events)
	rep.mark("settle")

	// Check.
	events.Say("checking invariants")
	snap, err := st.read(ctx)
	if err != nil {
		events.Say("read the stores: %v", err)
		return 2
	}
	workflows, err := listWorkflows(ctx, c.temporal, "")
	if err != nil {
		events.Say("%v", err)
		return 2
	}
	checkCtx, endChecks := context.WithTimeout(ctx, 5*time.Minute)
	defer endChecks()
	a := &auditor{
		snap: snap, journal: j, products: products, clients: clients, temporal: c.temporal,
		admin: &session{clients: clients, counts: &retries{}, login: c.cfg.AdminEmail, password: c.cfg.AdminPassword},
		opts:  o, now: time.Now(), workflows: workflows, grace: 30 * time.Second,
	}
	rep.invariants = a.check(checkCtx)
	rep.money = a.moneyTotals()
	rep.outcomes = j.outcomeCounts()
	rep.kills = k.summary()
	rep.retried = counts.summary()
	rep.slowest = counts.slow()
	rep.mark("checks")
	rep.print(os.Stdout)
	if !rep.passed() {
		return 1
	}
	keep = o.keep
	return 0
}

// prepare lays out the run: its directory, event log, ports and cluster.
func prepare(ctx context.Context, o options, rng *rand.Rand) (string, *eventLog, *cluster, error) {
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "tempomall-chaos-"); err != nil {
			return "", nil, nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, nil, err
	}
	events, err := newEventLog(filepath.Join(dir, "events.log"), o.verbose)
	if err != nil {
		return "", nil, nil, err
	}
	ports, err := findPorts(o.portBase, rng)
	if err != nil {
		return "", nil, nil, err
	}
	c, err := newCluster(ctx, o, ports, events, dir)
	return dir, events, c, err
}

// shop runs the shoppers and the killer for the duration, then waits
// (up to the grace period) for the calls still in flight, and returns
// the journal of what the shoppers were told.
func shop(ctx context.Context, o options, c *cluster, clients *clients.Clients, products []stockedProduct,
	counts *retries, k *killer, rng *rand.Rand, events *eventLog, rep *report) *journal {
	events.Say("system up; %d shoppers start, the killer plans %d kills, %d crash points, %d Temporal restarts",
		o.shoppers, o.kills, o.crashLimit, o.temporalRestarts)
	j := newJournal()
	began := time.Now()
	runCtx, endRun := context.WithTimeout(ctx, o.duration)
	defer endRun()
	callCtx, endCalls := context.WithTimeout(ctx, o.duration+o.grace)
	defer endCalls()
	var shoppers sync.WaitGroup
	for i := range o.shoppers {
		sh := &shopper{
			index: i + 1, rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())), clients: clients,
			me:       &session{clients: clients, counts: counts, login: fmt.Sprintf("chaos%d@chaos.tempomall.local", i+1), password: "chaos-pass-1"},
			admin:    &session{clients: clients, counts: counts, login: c.cfg.AdminEmail, password: c.cfg.AdminPassword},
			products: products, journal: j, events: events,
			waitFor: o.orderTimeout + o.paymentTimeout + 30*time.Second,
		}
		shoppers.Add(1)
		go func() { defer shoppers.Done(); sh.run(runCtx, callCtx) }()
	}
	k.run(runCtx, began)
	<-runCtx.Done()
	rep.mark("run")
	events.Say("time is up: the killer stops; waiting for calls in flight (up to %s)", o.grace)
	shoppers.Wait()
	rep.mark("calls in flight")
	return j
}

func backendName(c *cluster) string {
	s := "SQLite"
	if c.mysql != nil {
		s = "MySQL database " + c.mysql.Name
	}
	if c.redis != nil {
		return fmt.Sprintf("%s, Redis database %d", s, c.redis.DB)
	}
	return s + ", in-process caches"
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// options are the harness's flags.
type options struct {
	shoppers int
	duration time.Duration
	// kills is the number of random SIGKILLs; crashLimit bounds the
	// worker's exits at crash points; temporalRestarts the kills of the
	// Temporal dev server.
	kills            int
	crashLimit       int
	crashPoints      string
	temporalRestarts int
	// grace bounds the calls still retried once the run is over; settle
	// bounds the wait for the system to come to rest.
	grace  time.Duration
	settle time.Duration

	// The system's timings (TEMPOMALL_ORDER_PAYMENT_TIMEOUT, ...).
	orderTimeout   time.Duration
	paymentTimeout time.Duration
	reconcileAfter time.Duration
	checkoutTTL    time.Duration

	tempomall   string
	temporalCLI string
	mysqlDSN    string
	redisAddr   string
	redisDB     int
	dir         string
	keep        bool
	portBase    int
	seed        uint64
	verbose     bool
}

const usageText = `usage: chaos [flags]

chaos runs tempomall as separate processes (the Temporal dev server, one
process per Kitex service, the worker, the payment sandbox), lets -n
shoppers loop through journeys for -duration while it SIGKILLs parts of
the system at random moments and at named crash points, then waits for
the system to settle and prints a table of invariants. It exits 1 when
an invariant is violated.

flags:
`

// parseOptions reads the flags, filling in the defaults that depend on
// the duration.
func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.IntVar(&o.shoppers, "n", 8, "concurrent shoppers")
	fs.DurationVar(&o.duration, "duration", time.Minute, "how long shoppers start journeys and the killer kills")
	fs.IntVar(&o.kills, "kills", -1, "random SIGKILLs of the worker, the services and the sandbox (-1: one per 8s of duration, 2 to 60)")
	fs.IntVar(&o.crashLimit, "crash-limit", -1, "most worker exits at crash points (-1: one per 15s of duration, 1 to 20)")
	fs.StringVar(&o.crashPoints, "crash-points", "charge-accepted=0.15,refund-accepted=0.3,stock-commit=0.1,stock-committed=0.1",
		"TEMPOMALL_CRASH_POINTS of the worker while crash points are armed (the middle half of the run)")
	fs.IntVar(&o.temporalRestarts, "temporal-restarts", -1, "kills and restarts of the Temporal dev server (-1: one when the duration is 45s or more)")
	fs.DurationVar(&o.grace, "grace", 2*time.Minute, "after the duration, how long calls still in flight are retried")
	fs.DurationVar(&o.settle, "settle", 3*time.Minute, "most time to wait for every order to settle before checking")
	fs.DurationVar(&o.orderTimeout, "order-timeout", 20*time.Second, "TEMPOMALL_ORDER_PAYMENT_TIMEOUT")
	fs.DurationVar(&o.paymentTimeout, "payment-timeout", 30*time.Second, "TEMPOMALL_PAYMENT_TIMEOUT")
	fs.DurationVar(&o.reconcileAfter, "reconcile-after", 2*time.Second, "TEMPOMALL_PAYMENT_RECONCILE_AFTER")
	fs.DurationVar(&o.checkoutTTL, "checkout-ttl", time.Minute, "TEMPOMALL_CHECKOUT_TTL")
	fs.StringVar(&o.tempomall, "tempomall", "", "the tempomall binary (default: tempomall beside this binary)")
	fs.StringVar(&o.temporalCLI, "temporal-cli", os.Getenv("TEMPOMALL_TEMPORAL_CLI"), "the Temporal CLI (default: $TEMPOMALL_TEMPORAL_CLI, else bin/temporal)")
	fs.StringVar(&o.mysqlDSN, "mysql-dsn", "", `MySQL/MariaDB server DSN without a database, e.g. "root:@tcp(127.0.0.1:3306)/": the stores use a fresh database on it (default: SQLite files)`)
	fs.StringVar(&o.redisAddr, "redis-addr", "", "Redis address for caches, revocations and throttling, e.g. 127.0.0.1:6379 (default: in-process)")
	fs.IntVar(&o.redisDB, "redis-db", -1, "Redis database number (-1: the first empty one from 15 down to 1)")
	fs.StringVar(&o.dir, "dir", "", "directory for state and logs (default: a new temporary directory)")
	fs.BoolVar(&o.keep, "keep", false, "keep the directory (and the MySQL database) after a passing run; a failing run always keeps them")
	fs.IntVar(&o.portBase, "port-base", 0, "first of 16 consecutive ports to use (default: a free block in 19000-19999)")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed (default: from the clock; printed, to repeat a run's choices)")
	fs.BoolVar(&o.verbose, "v", false, "print every kill, restart and journey as it happens")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if o.shoppers < 1 || o.duration <= 0 {
		return o, errors.New("-n and -duration must be positive")
	}
	if o.kills < 0 {
		o.kills = clamp(int(o.duration/(8*time.Second)), 2, 60)
	}
	if o.crashLimit < 0 {
		o.crashLimit = clamp(int(o.duration/(15*time.Second)), 1, 20)
	}
	if o.temporalRestarts < 0 {
		o.temporalRestarts = 0
		if o.duration >= 45*time.Second {
			o.temporalRestarts = 1
		}
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	if o.tempomall == "" {
		self, err := os.Executable()
		if err != nil {
			return o, err
		}
		o.tempomall = filepath.Join(filepath.Dir(self), "tempomall")
	}
	if o.temporalCLI == "" {
		o.temporalCLI = filepath.Join("bin", "temporal")
	}
	for _, bin := range []string{o.tempomall, o.temporalCLI} {
		if _, err := os.Stat(bin); err != nil {
			return o, fmt.Errorf("%s: %w (make chaos builds tempomall and needs the Temporal CLI)", bin, err)
		}
	}
	return o, nil
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

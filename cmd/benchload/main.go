// Command benchload is tempomall's load benchmark (issue 10): it starts
// its own Temporal dev server (in memory, with the flags `tempomall dev`
// passes) and the system as separate processes (one per Kitex service,
// the worker, the payment sandbox) on ports 18200-18399, seeds a product
// and the shoppers, and runs closed-loop phases at each level of
// concurrent shoppers: a shopper puts a unit in the cart, checks out with
// a card that succeeds (one Update-With-Start of the OrderLifecycle
// workflow) and polls the order until it is PAID. Interleaved with them,
// round by round, the same Temporal server runs two bare baselines on a
// task queue of their own, served by a worker in its own process
// (benchload bare-worker): bare-uws, an Update-With-Start answered after
// as many no-op local activities as the checkout runs before it answers,
// the workflow left open as the order's is; bare-journey, the same then a
// signal sent -bare-settle after the answer (as the sandbox's webhook
// comes) and the steps left as no-op local activities.
//
// It prints answer percentiles, time to PAID, journeys per second,
// history events and workflow tasks per journey (read from the histories
// through the Temporal client), CPU per journey and resident memory per
// process (idle, after the load, and of `tempomall dev` idle), each beside
// the baseline, then issue 10's targets as PASS or MISS. The raw samples
// go to -out as JSON.
//
//	benchload                                     (make bench-load; 10-12 minutes)
//	benchload -timeline                           also every event of one 1-shopper journey
//	benchload -mysql 'root:@tcp(127.0.0.1:3306)/' -redis 127.0.0.1:6379
//	benchload -levels 1,8 -rounds 1 -duration 5s  a quick look
//
// Flags:
//
//	-levels 1,8,32     concurrent shoppers of each level
//	-rounds 3          rounds per level (the kinds interleaved in each)
//	-duration 20s      measured window of each phase
//	-warmup 5s         warm-up of each phase (and until every shopper ended a journey)
//	-bare-before 5     no-op local activities before the bare answer
//	-bare-after 2      no-op local activities after the bare signal
//	-bare-settle 300ms signal delay after the bare answer
//	-poll 100ms        GetOrder interval while waiting for PAID
//	-histories 20      journeys whose histories are counted
//	-temporal-args ""  more flags for temporal server start-dev
//	-skip-dev          do not measure `tempomall dev`
//	-keep              keep the run's directory (logs, SQLite files)
//	-timeline          print the events of one 1-shopper journey
//	-mysql DSN         a fresh MySQL/MariaDB database for the stores, dropped at the end
//	-redis ADDR        an empty Redis database for caches, emptied at the end
//	-tempomall, -temporal-cli, -out   the binaries and the JSON file
//
// Every process it starts is in a process group of its own and dies with
// it; it stops them all when it ends, is interrupted or its output pipe
// closes.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// options are the benchmark's flags.
type options struct {
	levels                []int
	rounds                int
	duration, warmup      time.Duration
	bareBefore, bareAfter int
	bareSettle, poll      time.Duration
	histories             int
	temporalArgs          string
	skipDev, keep         bool
	timeline              bool
	mysql, redis          string
	tempomall             string
	temporalCLI           string
	out                   string
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchload", flag.ContinueOnError)
	levels := fs.String("levels", "1,8,32", "concurrent shoppers of each level, comma-separated")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds per level; each round runs every kind once")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "measured window of each phase")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "warm-up of each phase, at least (and until every shopper has ended a journey)")
	fs.IntVar(&o.bareBefore, "bare-before", 5, "no-op local activities before the bare answer (price, hold, charge, then trim the cart and record at once)")
	fs.IntVar(&o.bareAfter, "bare-after", 2, "no-op local activities after the bare signal (commit the stock, record)")
	fs.DurationVar(&o.bareSettle, "bare-settle", 300*time.Millisecond, "bare-journey's signal comes this long after the answer (the sandbox's settle delay)")
	fs.DurationVar(&o.poll, "poll", 100*time.Millisecond, "GetOrder interval while a shopper waits for PAID")
	fs.IntVar(&o.histories, "histories", 20, "journeys of each kind whose histories are read and counted")
	fs.StringVar(&o.temporalArgs, "temporal-args", "", "more flags for temporal server start-dev")
	fs.BoolVar(&o.skipDev, "skip-dev", false, "do not measure the memory of tempomall dev")
	fs.BoolVar(&o.keep, "keep", false, "keep the run's directory (logs and SQLite files)")
	fs.BoolVar(&o.timeline, "timeline", false, "print every event of a typical 1-shopper journey")
	fs.StringVar(&o.mysql, "mysql", "", "MySQL/MariaDB server DSN: the stores use a fresh database on it, dropped at the end (default: SQLite)")
	fs.StringVar(&o.redis, "redis", "", "Redis address: caches in an empty database, emptied at the end (default: in-process)")
	fs.StringVar(&o.tempomall, "tempomall", "", "the tempomall binary (default: tempomall beside this binary)")
	fs.StringVar(&o.temporalCLI, "temporal-cli", filepath.Join("bin", "temporal"), "the Temporal CLI")
	fs.StringVar(&o.out, "out", filepath.Join(".benchbin", "bench-load.json"), "the JSON file of raw samples")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	var err error
	if o.levels, err = parseLevels(*levels); err != nil {
		return o, err
	}
	if o.rounds < 1 || o.duration <= 0 || o.warmup < 0 || o.bareBefore < 1 || o.bareAfter < 0 || o.histories < 1 {
		return o, errors.New("-rounds, -duration, -bare-before and -histories must be positive")
	}
	if o.tempomall == "" {
		self, err := os.Executable()
		if err != nil {
			return o, err
		}
		o.tempomall = filepath.Join(filepath.Dir(self), "tempomall")
	}
	for _, bin := range []string{o.tempomall, o.temporalCLI} {
		if _, err := os.Stat(bin); err != nil {
			return o, fmt.Errorf("%s: %w (make bench-load builds tempomall and needs the Temporal CLI)", bin, err)
		}
	}
	return o, nil
}

// parseLevels reads "1,8,32": distinct positive numbers, in order.
func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 100 {
			return nil, fmt.Errorf("-levels %q: want numbers from 1 to 100", s)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("-levels %q: want increasing numbers", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == bareWorkerCommand {
		os.Exit(runBareWorker(os.Args[2:]))
	}
	o, err := parseOptions(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(2)
	}
	os.Exit(run(o))
}

// Package crashpoint lets crash tests kill a process at named points of
// its code: between two side effects whose order matters, such as "the
// gateway accepted the charge" and "the workflow recorded it".
//
// A point is one line in the code under test:
//
//	crashpoint.Hit(crashpoint.StockCommit)
//	crashpoint.HitOnSuccess(crashpoint.ChargeAccepted, err) // only when err == nil
//
// Points do nothing unless the environment variable TEMPOMALL_CRASH_POINTS
// names them, each with the probability that passing it ends the process:
//
//	TEMPOMALL_CRASH_POINTS="charge-accepted=0.2,refund-accepted=0.3,stock-commit=0.3"
//
// A name without "=p" means p = 1. When a point fires, the process writes
// one line to stderr ("tempomall crashpoint: NAME: exiting") and exits at
// once with ExitCode, as if killed: no deferred function runs, no
// connection is closed, nothing is flushed. The chaos harness (cmd/chaos)
// sets the variable on the worker and restarts it when it dies.
//
// The variable is read once, on the first Hit; unset, a point costs one
// atomic load. A malformed variable is reported on stderr once and
// ignored: a typo must not crash production.
package crashpoint

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Env names the variable that arms the points.
const Env = "TEMPOMALL_CRASH_POINTS"

// ExitCode is the status a process exits with at a crash point: the
// status a shell reports for a process killed by SIGKILL.
const ExitCode = 137

// Notice starts the line written to stderr when a point fires.
const Notice = "tempomall crashpoint: "

// The points placed in tempomall's code, by name.
const (
	// ChargeAccepted: the gateway accepted a charge; the payment workflow
	// has not recorded it yet (activities.Gateway.CreateCharge).
	ChargeAccepted = "charge-accepted"
	// RefundAccepted: the gateway accepted a refund; the refund workflow
	// has not recorded it yet (activities.Gateway.CreateRefund).
	RefundAccepted = "refund-accepted"
	// StockCommit: a paid order's stock commit is about to be sent to the
	// product service (activities.Catalog.CommitStock).
	StockCommit = "stock-commit"
	// StockCommitted: the product service committed the stock; the order
	// workflow has not heard it yet (activities.Catalog.CommitStock).
	StockCommitted = "stock-committed"
)

// Names lists the points placed in tempomall's code.
var Names = []string{ChargeAccepted, RefundAccepted, StockCommit, StockCommitted}

// Points are armed points with their probabilities.
type Points struct {
	odds map[string]float64
	// roll returns a number in [0, 1); exit ends the process; out gets
	// the notice. Tests replace them.
	roll func() float64
	exit func(code int)
	out  io.Writer
}

// Parse reads a specification such as "charge-accepted=0.2,stock-commit".
// An empty specification arms nothing.
func Parse(spec string) (*Points, error) {
	p := &Points{odds: map[string]float64{}, roll: rand.Float64, exit: os.Exit, out: os.Stderr}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, prob, hasProb := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		odds := 1.0
		if hasProb {
			v, err := strconv.ParseFloat(strings.TrimSpace(prob), 64)
			if err != nil || v < 0 || v > 1 {
				return nil, fmt.Errorf("%s: %q: the probability must be a number from 0 to 1", Env, item)
			}
			odds = v
		}
		if name == "" {
			return nil, fmt.Errorf("%s: %q: a point needs a name", Env, item)
		}
		p.odds[name] = odds
	}
	return p, nil
}

// String returns the specification, names sorted.
func (p *Points) String() string {
	names := make([]string, 0, len(p.odds))
	for n := range p.odds {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.FormatFloat(p.odds[n], 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// Hit ends the process with the probability armed for name, if any.
func (p *Points) Hit(name string) {
	if p == nil || len(p.odds) == 0 {
		return
	}
	odds, ok := p.odds[name]
	if !ok || odds <= 0 || p.roll() >= odds {
		return
	}
	fmt.Fprintf(p.out, "%s%s: exiting\n", Notice, name)
	p.exit(ExitCode)
}

// fromEnv is the process's points, read on first use.
var fromEnv = sync.OnceValue(func() *Points {
	spec := os.Getenv(Env)
	if spec == "" {
		return nil
	}
	p, err := Parse(spec)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%sIGNORED: %v\n", Notice, err)
		return nil
	}
	return p
})

// Hit ends the process at the point name when TEMPOMALL_CRASH_POINTS arms
// it (with its probability); otherwise it does nothing.
func Hit(name string) { fromEnv().Hit(name) }

// HitOnSuccess is Hit when err is nil: a point right after a step that
// succeeded.
func HitOnSuccess(name string, err error) {
	if err == nil {
		fromEnv().Hit(name)
	}
}

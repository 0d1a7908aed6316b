// Package worker builds tempomall's Temporal workers: one per task queue,
// so that orders and their payments never wait behind bulk jobs.
//
//	tempomall-orders  the order lifecycle workflow; catalog, payment and record activities
//	tempomall-jobs    scheduled jobs (reconciliation, purge)
//
// The binary is `tempomall worker` (cmd/tempomall); `tempomall dev` runs it
// in process with the services.
package worker

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tempomall/tempomall/activities/catalog"
	"github.com/tempomall/tempomall/activities/jobs"
	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/activities/records"
	"github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/schedules"
)

// Activities are the filled-in activity structs the workers register.
type Activities struct {
	Catalog  *catalog.Catalog
	Payments *payments.Payments
	Records  *records.Records
	Jobs     *jobs.Jobs
}

// Settings tune the workers.
type Settings struct {
	// StopTimeout bounds how long a stopping worker waits for the
	// activities in flight.
	StopTimeout time.Duration
	// CacheSize is how many workflows the process keeps cached between
	// their tasks (0: the SDK's default, 10000). Paid orders stay open
	// through their refund window and are rarely touched again, so a
	// smaller cache trades a replay at a late refund for memory.
	CacheSize int
}

// New returns the workers of every task queue.
func New(c client.Client, a Activities, s Settings) []sdkworker.Worker {
	if s.CacheSize > 0 {
		// Process-wide in the SDK, and read when the first worker starts.
		sdkworker.SetStickyWorkflowCacheSize(s.CacheSize)
	}
	orders := sdkworker.New(c, order.TaskQueue, sdkworker.Options{WorkerStopTimeout: s.StopTimeout})
	order.Register(orders)
	orders.RegisterActivity(a.Catalog)
	orders.RegisterActivity(a.Payments)
	orders.RegisterActivity(a.Records)

	jobWorker := sdkworker.New(c, schedules.TaskQueue, sdkworker.Options{MaxConcurrentActivityExecutionSize: 2, WorkerStopTimeout: s.StopTimeout})
	schedules.Register(jobWorker)
	jobWorker.RegisterActivity(a.Jobs)

	return []sdkworker.Worker{orders, jobWorker}
}

// Run starts the workers and stops them when ctx ends.
func Run(ctx context.Context, workers []sdkworker.Worker) error {
	var errs []error
	started := workers[:0:0]
	for _, w := range workers {
		if err := w.Start(); err != nil {
			errs = append(errs, err)
			break
		}
		started = append(started, w)
	}
	if len(errs) == 0 {
		<-ctx.Done()
	}
	for _, w := range started {
		w.Stop()
	}
	return errors.Join(errs...)
}

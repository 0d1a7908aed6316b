// Package worker builds tempomall's Temporal workers: one per task queue,
// so that payment and refund work never waits behind bulk jobs.
//
//	tempomall-orders    checkout and order workflows; catalog, cart, order and record activities
//	tempomall-payments  payment and refund workflows; gateway and record activities
//	tempomall-jobs      scheduled jobs (reconciliation, purge)
//
// The binary is `tempomall worker` (cmd/tempomall); `tempomall dev` runs it
// in process with the services.
package worker

import (
	"context"
	"errors"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/workflows/checkout"
	"github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/payment"
	"github.com/tempomall/tempomall/workflows/schedules"
)

// Activities are the filled-in activity structs the workers register.
type Activities struct {
	Catalog *activities.Catalog
	Carts   *activities.Carts
	Orders  *activities.Orders
	Records *activities.Records
	Gateway *activities.Gateway
	Jobs    *activities.Jobs
}

// New returns the workers of every task queue.
func New(c client.Client, a Activities) []sdkworker.Worker {
	orders := sdkworker.New(c, order.TaskQueue, sdkworker.Options{})
	order.Register(orders)
	checkout.Register(orders)
	orders.RegisterActivity(a.Catalog)
	orders.RegisterActivity(a.Carts)
	orders.RegisterActivity(a.Orders)
	orders.RegisterActivity(a.Records)

	payments := sdkworker.New(c, payment.TaskQueue, sdkworker.Options{})
	payment.Register(payments)
	payments.RegisterActivity(a.Gateway)
	payments.RegisterActivity(a.Records)

	jobs := sdkworker.New(c, schedules.TaskQueue, sdkworker.Options{MaxConcurrentActivityExecutionSize: 2})
	schedules.Register(jobs)
	jobs.RegisterActivity(a.Jobs)

	return []sdkworker.Worker{orders, payments, jobs}
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

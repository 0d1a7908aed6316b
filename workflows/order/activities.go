package order

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/catalog"
	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/activities/records"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// The activities, named through zero values; the worker registers
// filled-in instances.
var (
	goods *catalog.Catalog
	gw    *payments.Payments
	rec   *records.Records
)

// placementOptions: the steps that answer the customer are local
// activities (they run in the workflow task, no round trip to the server),
// retried quickly until the placement's deadline, when the customer gets
// an answer either way.
func placementOptions(ctx workflow.Context, deadline time.Time) workflow.Context {
	left := deadline.Sub(workflow.Now(ctx))
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: max(left, time.Second),
		StartToCloseTimeout:    min(max(left, time.Second), 10*time.Second),
		RetryPolicy:            temporalx.Backoff(100*time.Millisecond, 2*time.Second, 0),
	})
}

// chargeNowOptions: the charge sent while the customer waits gets a few
// seconds; if the gateway does not answer, the customer is answered and
// the charge is sent again in the background (sendCharge), with the same
// key.
func chargeNowOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 5 * time.Second,
		StartToCloseTimeout:    5 * time.Second,
		RetryPolicy:            temporalx.Backoff(200*time.Millisecond, time.Second, 3),
	})
}

// mustLocalOptions: short steps that have to happen (committing stock,
// trimming a cart) are local activities retried until they do.
func mustLocalOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: temporalx.UntilAnswered,
		RetryPolicy:            temporalx.Backoff(500*time.Millisecond, time.Minute, 0),
	})
}

// pollOptions: reading a charge or refund may give up; the next poll asks
// again.
func pollOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 30 * time.Second,
		StartToCloseTimeout:    10 * time.Second,
		RetryPolicy:            temporalx.Backoff(time.Second, 10*time.Second, 3),
	})
}

// gatewayRetry retries gateway calls through outages; every call that
// changes something carries an idempotency key, so a retry is safe.
func gatewayRetry() *temporal.RetryPolicy { return temporalx.Backoff(time.Second, time.Minute, 0) }

// mustOptions: calls whose outcome decides the money or the stock
// (cancelling a charge, resolving a charge of unknown outcome, creating a
// refund, releasing or returning stock) are activities retried until they
// are answered: giving up could leave a charge live, pay a refund twice or
// lose stock. They are off the customer's path.
func mustOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: temporalx.UntilAnswered,
		RetryPolicy:            gatewayRetry(),
	})
}

// sendOptions: a charge that could not be sent while the customer waited
// is sent again until the attempt's deadline; past it the outcome is
// resolved with mustOptions.
func sendOptions(ctx workflow.Context, until time.Time) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: max(until.Sub(workflow.Now(ctx)), time.Second),
		RetryPolicy:            gatewayRetry(),
	})
}

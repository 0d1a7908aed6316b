package payment

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// The activities, named through zero values.
var (
	gw      *activities.Gateway
	records *activities.Records
)

// gatewayRetry retries gateway calls through outages; every call that
// changes something carries an idempotency key, so a retry is safe.
func gatewayRetry() *temporal.RetryPolicy { return temporalx.Backoff(time.Second, time.Minute, 0) }

// pollOptions: reading a charge or a refund may give up; the next poll
// asks again.
func pollOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy:            gatewayRetry(),
	})
}

// chargeOptions: sending a charge is retried until the payment's deadline;
// past it, the outcome is resolved (and the charge cancelled) with
// mustOptions.
func chargeOptions(ctx workflow.Context, within time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: within,
		RetryPolicy:            gatewayRetry(),
	})
}

// mustOptions: calls whose outcome decides the money (cancelling a
// charge, creating a refund, resolving a charge of unknown outcome) are
// retried until the gateway answers: giving up could leave a charge live
// or pay a refund twice.
func mustOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: temporalx.UntilAnswered,
		RetryPolicy:            gatewayRetry(),
	})
}

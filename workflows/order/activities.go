package order

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// The activities, named through zero values.
var (
	catalog *activities.Catalog
	records *activities.Records
)

// placementOptions: the caller waits for placement, so its steps retry a
// few times only; business failures are not retried at all.
func placementOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: 45 * time.Second,
		RetryPolicy:            temporalx.Backoff(300*time.Millisecond, 5*time.Second, 5),
	})
}

// mustOptions: commits, releases and returns of stock and coupons must
// happen eventually; they are idempotent and retried until they do.
func mustOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: temporalx.UntilAnswered,
		RetryPolicy:            temporalx.Backoff(500*time.Millisecond, time.Minute, 0),
	})
}

package checkout

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// The activities, named through zero values.
var (
	catalog *activities.Catalog
	carts   *activities.Carts
	orders  *activities.Orders
	records *activities.Records
)

// callerOptions: the customer waits, so steps retry a few times only.
func callerOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: time.Minute,
		RetryPolicy:            temporalx.Backoff(300*time.Millisecond, 5*time.Second, 5),
	})
}

// placeOptions: placing an order answers within the order service's call
// deadline (longer than the order workflow's own placement budget).
func placeOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    70 * time.Second,
		ScheduleToCloseTimeout: 3 * time.Minute,
		RetryPolicy:            temporalx.Backoff(time.Second, 10*time.Second, 0),
	})
}

// cleanupOptions: trimming the cart happens eventually.
func cleanupOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy:            temporalx.Backoff(time.Second, time.Minute, 0),
	})
}

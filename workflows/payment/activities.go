package payment

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
)

// The activities, named through zero values.
var (
	gw      *activities.Gateway
	records *activities.Records
)

// gatewayOptions: calls to the gateway are idempotent by key, so they are
// retried through outages, within ScheduleToClose.
func gatewayOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
		},
	})
}

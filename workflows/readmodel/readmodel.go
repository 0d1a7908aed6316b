// Package readmodel holds what every workflow does the same way when it
// writes its snapshot to a read model (orders, payments, checkouts): a
// local activity, short, retried until the database answers.
package readmodel

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/workflows/retry"
)

// Options returns ctx with the options of read-model writes.
func Options(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 5 * time.Second,
		RetryPolicy:         retry.Backoff(200*time.Millisecond, 30*time.Second, 0),
	})
}

// Read-model writes: what every workflow does the same way when it writes
// its snapshot to a read model (orders, payments, checkouts).

package temporalx

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// ReadModelOptions returns ctx with the options of read-model writes: a
// local activity, short, retried until the database answers.
func ReadModelOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 5 * time.Second,
		RetryPolicy:         Backoff(200*time.Millisecond, 30*time.Second, 0),
	})
}

package payment

import (
	"go.temporal.io/sdk/worker"
)

// Register adds the payment and refund workflows to a worker of TaskQueue.
// Their activities (activities.Gateway and activities.Records) are
// registered by the worker that owns their dependencies.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflow(PaymentWorkflow)
	w.RegisterWorkflow(RefundWorkflow)
}

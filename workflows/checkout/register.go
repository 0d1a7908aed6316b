package checkout

import "go.temporal.io/sdk/worker"

// Register adds the checkout workflow to a worker of TaskQueue.
func Register(w worker.WorkflowRegistry) { w.RegisterWorkflow(CheckoutWorkflow) }

package order

import "go.temporal.io/sdk/worker"

// Register adds the order workflow to a worker of TaskQueue.
func Register(w worker.WorkflowRegistry) { w.RegisterWorkflow(OrderWorkflow) }

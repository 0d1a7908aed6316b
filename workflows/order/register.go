package order

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register adds the order lifecycle workflow to a worker of TaskQueue.
// Its activities (catalog, payments, records) are registered by the worker
// that owns their dependencies.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflowWithOptions(OrderLifecycle, workflow.RegisterOptions{Name: WorkflowType})
}

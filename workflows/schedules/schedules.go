// Package schedules holds tempomall's periodic jobs, which replace the
// scheduler service: Temporal Schedules start a workflow per run on their
// own task queue, so bulk work never delays payments.
//
//	reconcile-payments  every 5 minutes  settle payments stuck in PROCESSING
//	purge-checkouts     every hour       delete ended checkout records
//
// Operators see them with `temporal schedule list` and `temporal schedule
// describe --schedule-id reconcile-payments`, and may pause or trigger them.
package schedules

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// TaskQueue is where scheduled jobs run.
const TaskQueue = "tempomall-jobs"

// Schedule ids.
const (
	ReconcileScheduleID = "reconcile-payments"
	PurgeScheduleID     = "purge-checkouts"
)

var jobs *activities.Jobs

func jobOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         temporalx.Backoff(5*time.Second, time.Minute, 5),
	})
}

// ReconcilePayments is one reconciliation run.
func ReconcilePayments(ctx workflow.Context) (activities.ReconcileReport, error) {
	var rep activities.ReconcileReport
	err := workflow.ExecuteActivity(jobOptions(ctx), jobs.ReconcilePayments).Get(ctx, &rep)
	return rep, err
}

// PurgeCheckouts is one purge run; it returns how many records it deleted.
func PurgeCheckouts(ctx workflow.Context) (int64, error) {
	var n int64
	err := workflow.ExecuteActivity(jobOptions(ctx), jobs.PurgeCheckouts).Get(ctx, &n)
	return n, err
}

// Register adds the job workflows to a worker of TaskQueue.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflow(ReconcilePayments)
	w.RegisterWorkflow(PurgeCheckouts)
}

// Ensure creates the schedules that do not exist yet; existing ones are
// left as operators may have changed or paused them.
func Ensure(ctx context.Context, c client.Client) error {
	specs := []struct {
		id       string
		every    time.Duration
		workflow any
	}{
		{ReconcileScheduleID, 5 * time.Minute, ReconcilePayments},
		{PurgeScheduleID, time.Hour, PurgeCheckouts},
	}
	var errs []error
	for _, s := range specs {
		_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:      s.id,
			Spec:    client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.every}}},
			Overlap: 0, // skip a run while the previous one is still going
			Action: &client.ScheduleWorkflowAction{
				ID: s.id + "-run", Workflow: s.workflow, TaskQueue: TaskQueue,
				WorkflowExecutionTimeout: 30 * time.Minute,
			},
		})
		var exists *serviceerror.AlreadyExists
		if err != nil && !errors.As(err, &exists) && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

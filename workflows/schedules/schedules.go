// Package schedules holds tempomall's periodic jobs, which replace the
// scheduler service: Temporal Schedules start a workflow per run on their
// own task queue, so bulk work never delays payments.
//
//	reconcile-payments  every 5 minutes  tell orders of charges settled without a callback
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

	jobacts "github.com/tempomall/tempomall/activities/jobs"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/order"
)

// TaskQueue is where scheduled jobs run.
const TaskQueue = "tempomall-jobs"

// Schedule ids.
const (
	ReconcileScheduleID = "reconcile-payments"
	PurgeScheduleID     = "purge-checkouts"
)

// The activities, named through a zero value.
var jobs *jobacts.Jobs

func jobOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         temporalx.Backoff(5*time.Second, time.Minute, 5),
	})
}

// ReconcileReport says what a reconciliation run did.
type ReconcileReport struct {
	// Found are the payments whose charge had settled unheard of; Signalled
	// were told to their order's workflow, Settled recorded directly
	// (no workflow waits for them any more).
	Found, Signalled, Settled int
}

// ReconcilePayments is one reconciliation run: it finds payments stuck in
// PROCESSING whose charge the gateway has settled, and tells each one's
// order workflow, as the gateway's callback would have; a payment no
// workflow waits for (its order's workflow has closed, or moved on to a
// newer attempt) has its record settled directly.
func ReconcilePayments(ctx workflow.Context) (ReconcileReport, error) {
	var found []jobacts.Settled
	if err := workflow.ExecuteActivity(jobOptions(ctx), jobs.SettledCharges).Get(ctx, &found); err != nil {
		return ReconcileReport{}, err
	}
	rep := ReconcileReport{Found: len(found)}
	for _, s := range found {
		if !s.Superseded {
			ev := gateway.Event{
				ID: "reconcile_" + s.Charge.ID + "_" + string(s.Charge.Status), Type: "charge." + string(s.Charge.Status),
				Created: workflow.Now(ctx), Charge: &s.Charge,
			}
			err := workflow.SignalExternalWorkflow(ctx, order.WorkflowID(s.Payment.OrderID), "", order.SignalGatewayEvent, ev).Get(ctx, nil)
			if err == nil {
				rep.Signalled++
				continue
			}
			var gone *temporal.UnknownExternalWorkflowExecutionError
			if !errors.As(err, &gone) {
				return rep, err
			}
		}
		if err := workflow.ExecuteActivity(jobOptions(ctx), jobs.SettleRecord, s).Get(ctx, nil); err != nil {
			return rep, err
		}
		rep.Settled++
	}
	return rep, nil
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

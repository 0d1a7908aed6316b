// Calls from the API services to workflows: start-and-update in one
// request (Update-With-Start) and updates of a running workflow, with
// Temporal's errors turned into tempomall failure kinds. (Reads come from
// the read models, not from workflow queries.)

package temporalx

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/internal/apperr"
)

// ErrClosed is returned when the target workflow has closed (or never
// existed): callers answer from the read model instead.
var ErrClosed = apperr.New(apperr.NotFound, "the workflow is not running")

// ErrNoAnswer is returned when the workflow did not answer an update in
// time (a worker restarting, say). The request may still take effect: the
// caller retries with the same idempotency key, which finds the same
// workflow and the same answer.
var ErrNoAnswer = apperr.New(apperr.Unavailable, "the request was not answered in time; retry with the same idempotency key")

// StartAndUpdate starts a workflow unless it runs already (same id) and
// sends it an update in one request, returning the update's result. It
// returns ErrClosed when a closed run with the same id forbids a new one.
func StartAndUpdate[T any](ctx context.Context, c client.Client, start client.StartWorkflowOptions, workflow any, args []any, update string, updateArgs ...any) (T, error) {
	var out T
	start.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	op := c.NewWithStartWorkflowOperation(start, workflow, args...)
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: update, Args: updateArgs, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return out, mapErr(err)
	}
	return out, mapErr(h.Get(ctx, &out))
}

// Update sends an update to a running workflow and returns its result.
// updateID, when set, makes the update idempotent: a repeat with the same
// id gets the first one's result.
func Update[T any](ctx context.Context, c client.Client, workflowID, updateID, update string, args ...any) (T, error) {
	var out T
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateID: updateID, UpdateName: update, Args: args,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return out, mapErr(err)
	}
	return out, mapErr(h.Get(ctx, &out))
}

// mapErr turns Temporal's errors into failure kinds.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var notFound *serviceerror.NotFound
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	var updateTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var serverTimeout *serviceerror.DeadlineExceeded
	var unavailable *serviceerror.Unavailable
	var exhausted *serviceerror.ResourceExhausted
	// The workflow's task is failing for now (it timed out on a busy
	// worker, or the worker died): the next attempt will take the update.
	var notReady *serviceerror.WorkflowNotReady
	switch {
	case errors.As(err, &notFound), errors.As(err, &started):
		return apperr.Wrap(ErrClosed, "the workflow is not running: %v", err)
	case errors.As(err, &updateTimeout), errors.As(err, &serverTimeout), errors.Is(err, context.DeadlineExceeded):
		return ErrNoAnswer
	case errors.As(err, &unavailable), errors.As(err, &exhausted), errors.As(err, &notReady):
		return apperr.Errorf(apperr.Unavailable, "the workflow engine is busy or unreachable; retry with the same idempotency key")
	}
	var multi *serviceerror.MultiOperationExecution
	if errors.As(err, &multi) {
		for _, e := range multi.OperationErrors() {
			if e != nil && !isAborted(e) {
				return mapErr(e)
			}
		}
	}
	return Decode(err)
}

func isAborted(err error) bool {
	var aborted *serviceerror.MultiOperationAborted
	return errors.As(err, &aborted)
}

// Result returns the result of a workflow's latest run: the final answer
// of a workflow that has closed.
func Result[T any](ctx context.Context, c client.Client, workflowID string) (T, error) {
	var out T
	return out, mapErr(c.GetWorkflow(ctx, workflowID, "").Get(ctx, &out))
}

package temporalx

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/internal/apperr"
)

// TestMapErr checks that the errors of Temporal's client become the codes a
// caller can act on: none of them Internal.
func TestMapErr(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want apperr.Kind
	}{
		{"update wait timed out", client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded), apperr.Unavailable},
		{"update wait timed out, wrapped", fmt.Errorf("update: %w", client.NewWorkflowUpdateServiceTimeoutOrCanceledError(errors.New("x"))), apperr.Unavailable},
		{"server deadline", serviceerror.NewDeadlineExceeded("deadline"), apperr.Unavailable},
		{"context deadline", context.DeadlineExceeded, apperr.Unavailable},
		{"server unavailable", serviceerror.NewUnavailable("down"), apperr.Unavailable},
		{"server busy", &serviceerror.ResourceExhausted{Message: "busy"}, apperr.Unavailable},
		{"workflow task failing", fmt.Errorf("failed workflow update: %w", serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to Workflow Task in failed state.")), apperr.Unavailable},
		{"closed", serviceerror.NewNotFound("gone"), apperr.NotFound},
		{"a business failure", New(apperr.FailedPrecondition, "out of stock"), apperr.FailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapErr(tt.err)
			if k := apperr.KindOf(got); k != tt.want {
				t.Errorf("mapErr(%v) = %v (%s), want %s", tt.err, got, k, tt.want)
			}
		})
	}
	if !errors.Is(mapErr(client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded)), ErrNoAnswer) {
		t.Error("an update timeout is not ErrNoAnswer")
	}
}

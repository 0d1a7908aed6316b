package temporalx

import (
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		kind      apperr.Kind
		retryable bool
	}{
		{"business", apperr.Preconditionf("out of stock"), apperr.FailedPrecondition, false},
		{"wrapped business", fmt.Errorf("reserve: %w", apperr.InvalidArgf("bad id")), apperr.InvalidArgument, false},
		{"outage", apperr.Errorf(apperr.Unavailable, "service down"), apperr.Unavailable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := Encode(tt.err)
			var app *temporal.ApplicationError
			if !errors.As(enc, &app) || app.NonRetryable() == tt.retryable {
				t.Fatalf("Encode = %#v", enc)
			}
			if IsBusiness(enc) == tt.retryable {
				t.Errorf("IsBusiness = %v", IsBusiness(enc))
			}
			// Temporal wraps what crosses it in untyped errors.
			wrapped := temporal.NewApplicationErrorWithCause("update failed", "Error", enc)
			dec := Decode(wrapped)
			if apperr.KindOf(dec) != tt.kind {
				t.Errorf("Decode(wrapped) kind = %v, want %v", apperr.KindOf(dec), tt.kind)
			}
			// A decoded error encodes again to the same kind.
			if k := apperr.KindOf(Decode(Encode(dec))); k != tt.kind {
				t.Errorf("re-encoded kind = %v", k)
			}
		})
	}
	if err := errors.New("plain"); Encode(err) != err || Decode(err) != err {
		t.Error("plain errors must pass through")
	}
}

package temporalx

import (
	"time"

	"go.temporal.io/sdk/temporal"
)

// UntilAnswered bounds activities that must not give up (cancelling a
// charge, creating a refund, committing stock): explicitly, rather than
// through whatever default applies to an unset ScheduleToClose.
const UntilAnswered = 10 * 365 * 24 * time.Hour

// Backoff returns a policy that waits initial before the second attempt,
// doubling up to maxInterval; attempts 0 means no limit. Each call returns
// a new policy: the SDK may change the one it is given.
func Backoff(initial, maxInterval time.Duration, attempts int32) *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:    initial,
		BackoffCoefficient: 2,
		MaximumInterval:    maxInterval,
		MaximumAttempts:    attempts,
	}
}

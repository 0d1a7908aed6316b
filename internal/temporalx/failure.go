// Failure kinds across Temporal: activities and workflows encode an
// *apperr.Error as an application error typed with the kind's name
// (non-retryable when it is a business failure: bad input, a declined card,
// short stock), and services decode it back at the API edge, so callers see
// the same codes and messages.

package temporalx

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/tempomall/tempomall/internal/apperr"
)

// businessKinds are the failures a retry cannot fix.
var businessKinds = map[apperr.Kind]bool{
	apperr.InvalidArgument:    true,
	apperr.NotFound:           true,
	apperr.AlreadyExists:      true,
	apperr.FailedPrecondition: true,
	apperr.PermissionDenied:   true,
	apperr.Unimplemented:      true,
}

// kindByName maps the type names of encoded errors back to kinds.
var kindByName = func() map[string]apperr.Kind {
	m := map[string]apperr.Kind{}
	for k := apperr.Internal; k <= apperr.DeadlineExceeded; k++ {
		m[k.String()] = k
	}
	return m
}()

// Encode returns err as an application error typed with its kind when it
// carries an *apperr.Error (non-retryable for business failures), and
// unchanged otherwise (errors from Temporal keep their typed cause).
func Encode(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind == apperr.Internal {
		return err
	}
	if businessKinds[ae.Kind] {
		return temporal.NewNonRetryableApplicationError(ae.Msg, ae.Kind.String(), nil)
	}
	return temporal.NewApplicationError(ae.Msg, ae.Kind.String())
}

// New returns a business failure of kind k, encoded.
func New(k apperr.Kind, msg string) error {
	return Encode(apperr.New(k, msg))
}

// IsBusiness reports whether err carries a business failure.
func IsBusiness(err error) bool {
	if app := typed(err); app != nil {
		return businessKinds[kindByName[app.Type()]]
	}
	var ae *apperr.Error
	return errors.As(err, &ae) && businessKinds[ae.Kind]
}

// typed returns the first application error in err's chain whose type is
// a failure kind. (Temporal wraps errors in untyped application errors
// too, so the first one in the chain is not always the one.)
func typed(err error) *temporal.ApplicationError {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if app, ok := e.(*temporal.ApplicationError); ok {
			if _, known := kindByName[app.Type()]; known {
				return app
			}
		}
	}
	return nil
}

// Decode turns an error returned by Temporal (an update, a workflow, a
// child or an activity) into the *apperr.Error it carries. Other errors are
// returned unchanged.
func Decode(err error) error {
	if app := typed(err); app != nil {
		return &apperr.Error{Kind: kindByName[app.Type()], Msg: app.Message(), Cause: err}
	}
	return err
}

// Refused returns a FailedPrecondition failure: the request cannot be
// served in the current state.
func Refused(format string, args ...any) error {
	return New(apperr.FailedPrecondition, fmt.Sprintf(format, args...))
}

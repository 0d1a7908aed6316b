// Package apperr defines the kinds of failure every tempomall service
// reports. Domain packages declare their sentinels and typed errors on top of
// these kinds (user.ErrEmailTaken is an AlreadyExists, say); the RPC layer
// maps kinds to status codes in one table (internal/rpc), so no service
// decides its own codes.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies a failure by what the caller can do about it.
type Kind int

// The kinds, named after the gRPC codes they map to.
const (
	// Internal is a failure the caller cannot fix; its details are logged,
	// not returned.
	Internal Kind = iota
	InvalidArgument
	NotFound
	AlreadyExists
	FailedPrecondition
	Unauthenticated
	PermissionDenied
	ResourceExhausted
	Aborted
	Unimplemented
	Unavailable
	DeadlineExceeded
)

var kindNames = [...]string{
	Internal:           "Internal",
	InvalidArgument:    "InvalidArgument",
	NotFound:           "NotFound",
	AlreadyExists:      "AlreadyExists",
	FailedPrecondition: "FailedPrecondition",
	Unauthenticated:    "Unauthenticated",
	PermissionDenied:   "PermissionDenied",
	ResourceExhausted:  "ResourceExhausted",
	Aborted:            "Aborted",
	Unimplemented:      "Unimplemented",
	Unavailable:        "Unavailable",
	DeadlineExceeded:   "DeadlineExceeded",
}

// String returns the kind's name, such as "NotFound".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a failure of a known kind with a message meant for the caller.
type Error struct {
	Kind Kind
	// Msg says what went wrong and, where possible, what to do about it.
	Msg string
	// Cause is the underlying error, if any; it is not shown to callers.
	Cause error
}

// Error returns the message.
func (e *Error) Error() string {
	if e.Cause != nil && e.Kind == Internal {
		return e.Msg + ": " + e.Cause.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is an *Error of the same kind and message, so
// that sentinels declared with New match with errors.Is even after Wrap.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Msg == e.Msg
}

// New returns an error of kind k with message msg.
func New(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }

// Errorf returns an error of kind k with a formatted message. A %w verb
// wraps its operand as the cause.
func Errorf(k Kind, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Kind: k, Msg: err.Error(), Cause: errors.Unwrap(err)}
}

// Wrap gives a sentinel's kind and message to a more specific message:
// errors.Is(Wrap(ErrX, "detail"), ErrX) holds.
func Wrap(sentinel *Error, format string, args ...any) *Error {
	return &Error{Kind: sentinel.Kind, Msg: fmt.Sprintf(format, args...), Cause: sentinel}
}

// KindOf returns the kind of the first *Error in err's chain, and Internal
// when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err carries kind k.
func Is(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Shorthands for the common kinds.

// InvalidArgf reports bad input.
func InvalidArgf(format string, args ...any) *Error { return Errorf(InvalidArgument, format, args...) }

// NotFoundf reports a missing resource.
func NotFoundf(format string, args ...any) *Error { return Errorf(NotFound, format, args...) }

// Preconditionf reports an operation refused in the resource's current state.
func Preconditionf(format string, args ...any) *Error {
	return Errorf(FailedPrecondition, format, args...)
}

// Internalf reports an unexpected failure.
func Internalf(format string, args ...any) *Error { return Errorf(Internal, format, args...) }

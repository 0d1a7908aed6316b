package rpc

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/status"

	"github.com/tempomall/tempomall/internal/apperr"
)

// codeOf is the one table from failure kinds to RPC status codes, shared
// by every service.
var codeOf = map[apperr.Kind]codes.Code{
	apperr.Internal:           codes.Internal,
	apperr.InvalidArgument:    codes.InvalidArgument,
	apperr.NotFound:           codes.NotFound,
	apperr.AlreadyExists:      codes.AlreadyExists,
	apperr.FailedPrecondition: codes.FailedPrecondition,
	apperr.Unauthenticated:    codes.Unauthenticated,
	apperr.PermissionDenied:   codes.PermissionDenied,
	apperr.ResourceExhausted:  codes.ResourceExhausted,
	apperr.Aborted:            codes.Aborted,
	apperr.Unimplemented:      codes.Unimplemented,
	apperr.Unavailable:        codes.Unavailable,
	apperr.DeadlineExceeded:   codes.DeadlineExceeded,
}

// StatusError is the error a tempomall service returns on the wire. It is a
// Kitex business status error (carried in TTHeader to Kitex clients) and
// has a gRPC status (sent as grpc-status to gRPC clients such as grpcurl).
type StatusError struct {
	code  codes.Code
	msg   string
	extra map[string]string
}

var (
	_ kerrors.BizStatusErrorIface = (*StatusError)(nil)
	_ kerrors.GRPCStatusIface     = (*StatusError)(nil)
)

// Code returns the status code.
func (e *StatusError) Code() codes.Code { return e.code }

// BizStatusCode returns the status code as a number.
func (e *StatusError) BizStatusCode() int32 { return int32(e.code) }

// BizMessage returns the message.
func (e *StatusError) BizMessage() string { return e.msg }

// BizExtra returns nothing; tempomall errors carry code and message only.
func (e *StatusError) BizExtra() map[string]string { return e.extra }

// Error formats the error as "Code: message".
func (e *StatusError) Error() string { return fmt.Sprintf("%s: %s", e.code, e.msg) }

// GRPCStatus returns the gRPC status written to gRPC clients.
func (e *StatusError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

// SetGRPCStatus is required by Kitex's interface; the status is derived
// from code and message, so it only takes them over.
func (e *StatusError) SetGRPCStatus(st *status.Status) {
	e.code, e.msg = st.Code(), st.Message()
}

// ToStatus maps an error returned by a handler to the status sent to the
// caller. Errors of a known kind keep their message; anything else becomes
// Internal with a generic message, and its details are logged instead.
func ToStatus(ctx context.Context, method string, err error) *StatusError {
	var se *StatusError
	if errors.As(err, &se) {
		return se
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind != apperr.Internal {
		return &StatusError{code: codeOf[ae.Kind], msg: ae.Msg}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &StatusError{code: codes.DeadlineExceeded, msg: "the request took too long; retry later"}
	}
	if errors.Is(err, context.Canceled) {
		return &StatusError{code: codes.Canceled, msg: "the request was cancelled"}
	}
	klog.CtxErrorf(ctx, "%s failed: %s", method, redact(err.Error()))
	return &StatusError{code: codes.Internal, msg: "internal error; it was logged, retry later"}
}

// credentialPattern matches what must never reach a log even when an error
// quotes it: bearer credentials and JWTs (three base64url segments, the
// first a JSON header).
var credentialPattern = regexp.MustCompile(`(?i)bearer\s+\S+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// redact replaces credentials in a log message.
func redact(msg string) string {
	return credentialPattern.ReplaceAllString(msg, "[REDACTED]")
}

// kindOf is the reverse table, used when a client turns a status back into
// a failure kind.
var kindOf = func() map[codes.Code]apperr.Kind {
	m := make(map[codes.Code]apperr.Kind, len(codeOf))
	for k, c := range codeOf {
		m[c] = k
	}
	m[codes.Canceled] = apperr.Unavailable
	m[codes.Unknown] = apperr.Internal
	return m
}()

// FromError turns an error returned by a Kitex client into an *apperr.Error
// of the remote status's kind, keeping the remote message. Transport
// failures (connection refused, timeouts) become Unavailable. nil stays nil.
func FromError(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	// A remote status keeps its kind and message but not the remote error
	// itself: Kitex's server looks through a handler's error chain for a
	// business status error and would answer the remote one as is, which
	// gRPC clients see as Internal, whatever its kind.
	if be, ok := kerrors.FromBizStatusError(err); ok {
		return &apperr.Error{Kind: kindFromCode(codes.Code(be.BizStatusCode())), Msg: be.BizMessage()}
	}
	if st, ok := status.FromError(err); ok && st.Code() != codes.OK && st.Code() != codes.Unknown {
		return &apperr.Error{Kind: kindFromCode(st.Code()), Msg: st.Message()}
	}
	if errors.Is(err, kerrors.ErrRPCTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return &apperr.Error{Kind: apperr.DeadlineExceeded, Msg: "remote call timed out", Cause: err}
	}
	if kerrors.IsKitexError(err) {
		return &apperr.Error{Kind: apperr.Unavailable, Msg: "service unavailable", Cause: err}
	}
	return err
}

func kindFromCode(c codes.Code) apperr.Kind {
	if k, ok := kindOf[c]; ok {
		return k
	}
	return apperr.Internal
}

package gateway

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Error is an error answered by the gateway.
type Error struct {
	// HTTPStatus is the response status (0 when no response came).
	HTTPStatus int
	// Code is machine-readable: card_declined, invalid_request,
	// not_found, idempotency_conflict, ...
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("gateway: %s (%d): %s", e.Code, e.HTTPStatus, e.Message)
}

// Retryable reports whether the same request may succeed later: transport
// failures, 429 and 5xx. 4xx answers are final.
func Retryable(err error) bool {
	var ge *Error
	if !errors.As(err, &ge) {
		return true
	}
	return ge.HTTPStatus == 0 || ge.HTTPStatus == 429 || ge.HTTPStatus >= 500
}

// cardCodes are the refusals of a card as typed.
var cardCodes = map[string]bool{
	CodeInvalidNumber:      true,
	CodeInvalidExpiryMonth: true,
	CodeInvalidExpiryYear:  true,
	CodeExpiredCard:        true,
	CodeInvalidCVC:         true,
}

// AppError is what a failed gateway call means to tempomall's callers:
// nil for nil, and otherwise an *apperr.Error (with err as its cause)
// whose kind says what to do:
//
//   - Unavailable when the call may succeed later (Retryable: no answer,
//     429, 5xx): "the payment gateway is unavailable; retry later";
//   - NotFound for 404, in the gateway's words;
//   - InvalidArgument for a refused card (number, expiry, CVC):
//     "card refused: <message> (<code>)", and for a refused request
//     (invalid_request, idempotency_key_missing);
//   - Internal for a refused API key (401, 403): the caller cannot fix it;
//   - FailedPrecondition for any other refusal (a refund larger than what
//     is left, a charge not refundable, an idempotency conflict):
//     "payment gateway refused: <message> (<code>)".
//
// An error that already carries an *apperr.Error is returned as it is.
func AppError(err error) error {
	if err == nil {
		return nil
	}
	if ae := (*apperr.Error)(nil); errors.As(err, &ae) {
		return err
	}
	fail := func(k apperr.Kind, format string, args ...any) error {
		return &apperr.Error{Kind: k, Msg: fmt.Sprintf(format, args...), Cause: err}
	}
	var ge *Error
	if Retryable(err) || !errors.As(err, &ge) {
		return fail(apperr.Unavailable, "the payment gateway is unavailable; retry later")
	}
	switch {
	case ge.HTTPStatus == http.StatusNotFound:
		return fail(apperr.NotFound, "payment gateway: %s", ge.Message)
	case cardCodes[ge.Code]:
		return fail(apperr.InvalidArgument, "card refused: %s (%s)", ge.Message, ge.Code)
	case ge.Code == CodeInvalidRequest || ge.Code == CodeIdempotencyKeyMissing:
		return fail(apperr.InvalidArgument, "payment gateway refused the request: %s (%s)", ge.Message, ge.Code)
	case ge.HTTPStatus == http.StatusUnauthorized || ge.HTTPStatus == http.StatusForbidden:
		return fail(apperr.Internal, "the payment gateway refused tempomall's API key; check the gateway configuration")
	}
	return fail(apperr.FailedPrecondition, "payment gateway refused: %s (%s)", ge.Message, ge.Code)
}

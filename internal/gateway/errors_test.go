package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/gateway"
)

func TestAppError(t *testing.T) {
	refused := func(status int, code, msg string) error {
		return fmt.Errorf("create charge: %w", &gateway.Error{HTTPStatus: status, Code: code, Message: msg})
	}
	tests := []struct {
		name string
		err  error
		kind apperr.Kind
		msg  string
	}{
		{"no answer", &gateway.Error{Code: gateway.CodeNetworkError, Message: "connection refused"},
			apperr.Unavailable, "the payment gateway is unavailable; retry later"},
		{"not a gateway error", context.DeadlineExceeded,
			apperr.Unavailable, "the payment gateway is unavailable; retry later"},
		{"5xx", refused(503, "http_503", "Service Unavailable"),
			apperr.Unavailable, "the payment gateway is unavailable; retry later"},
		{"429", refused(429, "http_429", "Too Many Requests"),
			apperr.Unavailable, "the payment gateway is unavailable; retry later"},
		{"404", refused(404, gateway.CodeNotFound, `no such payment method: "pm_1"`),
			apperr.NotFound, `payment gateway: no such payment method: "pm_1"`},
		{"invalid number", refused(400, gateway.CodeInvalidNumber, "the card number is incorrect (checksum)"),
			apperr.InvalidArgument, "card refused: the card number is incorrect (checksum) (invalid_number)"},
		{"expired card", refused(400, gateway.CodeExpiredCard, "the card has expired"),
			apperr.InvalidArgument, "card refused: the card has expired (expired_card)"},
		{"invalid CVC", refused(400, gateway.CodeInvalidCVC, "the CVC must be 3 or 4 digits"),
			apperr.InvalidArgument, "card refused: the CVC must be 3 or 4 digits (invalid_cvc)"},
		{"invalid request", refused(400, gateway.CodeInvalidRequest, "amount must be positive"),
			apperr.InvalidArgument, "payment gateway refused the request: amount must be positive (invalid_request)"},
		{"refund too large", refused(400, gateway.CodeRefundExceedsCharge, "only 500 left"),
			apperr.FailedPrecondition, "payment gateway refused: only 500 left (refund_exceeds_charge)"},
		{"idempotency conflict", refused(409, gateway.CodeIdempotencyConflict, "key reused"),
			apperr.FailedPrecondition, "payment gateway refused: key reused (idempotency_conflict)"},
		{"API key", refused(401, gateway.CodeUnauthorized, "missing or invalid API key"),
			apperr.Internal, "the payment gateway refused tempomall's API key; check the gateway configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := gateway.AppError(tt.err)
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("AppError = %#v, want an *apperr.Error", err)
			}
			if ae.Kind != tt.kind || ae.Msg != tt.msg {
				t.Errorf("AppError = %s %q, want %s %q", ae.Kind, ae.Msg, tt.kind, tt.msg)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the gateway's error is not the cause of %v", err)
			}
			if again := gateway.AppError(err); again != err {
				t.Errorf("AppError of its own result = %v, want it unchanged", again)
			}
		})
	}
	if err := gateway.AppError(nil); err != nil {
		t.Errorf("AppError(nil) = %#v, want nil", err)
	}
}

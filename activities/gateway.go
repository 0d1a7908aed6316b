package activities

import (
	"context"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/crashpoint"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/workflows/failure"
)

// Gateway charges and refunds through the payment gateway. Every charge
// and refund carries an idempotency key derived from the payment or refund
// id, so retries and restarts reach the gateway at most once per key.
type Gateway struct {
	Client gateway.Client
}

// PaymentMethod returns a tokenized card's brand, last four and expiry.
func (a *Gateway) PaymentMethod(ctx context.Context, token string) (commerce.Card, error) {
	pm, err := a.Client.GetPaymentMethod(ctx, token)
	if err != nil {
		return commerce.Card{}, gatewayFailure(err)
	}
	return pm.Card(), nil
}

// ChargeInput asks for a charge.
type ChargeInput struct {
	Params gateway.CreateChargeParams
	// Key is the charge's idempotency key.
	Key string
}

// CreateCharge sends a charge to the gateway.
func (a *Gateway) CreateCharge(ctx context.Context, in ChargeInput) (gateway.Charge, error) {
	in.Params.IdempotencyKey = in.Key
	ch, err := a.Client.CreateCharge(ctx, in.Params)
	crashpoint.HitOnSuccess(crashpoint.ChargeAccepted, err)
	return ch, gatewayFailure(err)
}

// GetCharge asks the gateway for a charge's state (reconciliation).
func (a *Gateway) GetCharge(ctx context.Context, id string) (gateway.Charge, error) {
	ch, err := a.Client.GetCharge(ctx, id)
	return ch, gatewayFailure(err)
}

// CancelCharge cancels a charge that is still processing; a settled charge
// is returned unchanged.
func (a *Gateway) CancelCharge(ctx context.Context, id, key string) (gateway.Charge, error) {
	ch, err := a.Client.CancelCharge(ctx, id, key)
	return ch, gatewayFailure(err)
}

// RefundInput asks for a refund.
type RefundInput struct {
	Params gateway.CreateRefundParams
	Key    string
}

// CreateRefund sends a refund to the gateway.
func (a *Gateway) CreateRefund(ctx context.Context, in RefundInput) (gateway.Refund, error) {
	in.Params.IdempotencyKey = in.Key
	r, err := a.Client.CreateRefund(ctx, in.Params)
	crashpoint.HitOnSuccess(crashpoint.RefundAccepted, err)
	return r, gatewayFailure(err)
}

// GetRefund asks the gateway for a refund's state.
func (a *Gateway) GetRefund(ctx context.Context, id string) (gateway.Refund, error) {
	r, err := a.Client.GetRefund(ctx, id)
	return r, gatewayFailure(err)
}

// gatewayFailure makes the gateway's final answers (4xx) business
// failures, with the kinds and messages of gateway.AppError; outages and
// 5xx stay retryable.
func gatewayFailure(err error) error {
	if err == nil || gateway.Retryable(err) {
		return err
	}
	return failure.Encode(gateway.AppError(err))
}

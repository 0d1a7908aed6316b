// Package payments holds the activities that talk to the payment gateway:
// charges and refunds. Every charge and refund carries an idempotency key
// derived from the payment or refund id, so retries and restarts reach the
// gateway at most once per key.
package payments

import (
	"context"
	"errors"

	"github.com/tempomall/tempomall/internal/crashpoint"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// Payments charges and refunds through the payment gateway.
type Payments struct {
	Gateway gateway.Client
}

// ChargeInput asks for a charge.
type ChargeInput struct {
	Params gateway.CreateChargeParams
	// Key is the charge's idempotency key.
	Key string
}

// Charge sends a charge to the gateway, or finds the one sent before with
// the same key. The one sent before may have had other parameters: a
// placement whose workflow task was lost charged, and its rerun answers a
// Checkout sent again, with the card tokenized again (a new token). The
// gateway refuses such a repeat as an idempotency conflict; the charge
// made under the key is then looked up by its payment id (its metadata)
// and answered if it is for the same amount.
func (a *Payments) Charge(ctx context.Context, in ChargeInput) (gateway.Charge, error) {
	in.Params.IdempotencyKey = in.Key
	ch, err := a.Gateway.CreateCharge(ctx, in.Params)
	if isConflict(err) {
		if sent, ok, ferr := a.sentBefore(ctx, in); ferr != nil || ok {
			return sent, failure(ferr)
		}
	}
	crashpoint.HitOnSuccess(crashpoint.ChargeAccepted, err)
	return ch, failure(err)
}

// sentBefore finds the charge sent before under the key of in, when it is
// for the same amount.
func (a *Payments) sentBefore(ctx context.Context, in ChargeInput) (gateway.Charge, bool, error) {
	id := in.Params.Metadata["payment_id"]
	if id == "" {
		return gateway.Charge{}, false, nil
	}
	charges, err := a.Gateway.SearchCharges(ctx, "payment_id", id)
	if err != nil {
		return gateway.Charge{}, false, err
	}
	for _, ch := range charges {
		if ch.Amount == in.Params.Amount && ch.Currency == in.Params.Currency {
			return ch, true, nil
		}
	}
	return gateway.Charge{}, false, nil
}

// isConflict reports whether the gateway refused a request as reusing an
// idempotency key with other parameters.
func isConflict(err error) bool {
	var ge *gateway.Error
	return errors.As(err, &ge) && ge.Code == gateway.CodeIdempotencyConflict
}

// GetCharge asks the gateway for a charge's state (reconciliation).
func (a *Payments) GetCharge(ctx context.Context, id string) (gateway.Charge, error) {
	ch, err := a.Gateway.GetCharge(ctx, id)
	return ch, failure(err)
}

// CancelCharge cancels a charge that is still processing; a settled
// charge is returned unchanged.
func (a *Payments) CancelCharge(ctx context.Context, id, key string) (gateway.Charge, error) {
	ch, err := a.Gateway.CancelCharge(ctx, id, key)
	return ch, failure(err)
}

// RefundInput asks for a refund.
type RefundInput struct {
	Params gateway.CreateRefundParams
	Key    string
}

// CreateRefund sends a refund to the gateway, or finds the one sent before
// with the same key.
func (a *Payments) CreateRefund(ctx context.Context, in RefundInput) (gateway.Refund, error) {
	in.Params.IdempotencyKey = in.Key
	r, err := a.Gateway.CreateRefund(ctx, in.Params)
	crashpoint.HitOnSuccess(crashpoint.RefundAccepted, err)
	return r, failure(err)
}

// GetRefund asks the gateway for a refund's state.
func (a *Payments) GetRefund(ctx context.Context, id string) (gateway.Refund, error) {
	r, err := a.Gateway.GetRefund(ctx, id)
	return r, failure(err)
}

// failure makes the gateway's final answers (4xx) business failures, with
// the kinds and messages of gateway.AppError; outages and 5xx stay
// retryable.
func failure(err error) error {
	if err == nil || gateway.Retryable(err) {
		return err
	}
	return temporalx.Encode(gateway.AppError(err))
}

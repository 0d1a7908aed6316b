// Package gateway is tempomall's side of a card payment provider: the
// types of its API, the Client interface the payment activities use, and
// webhook signature checks. The sandbox (package sandbox) is a provider
// that runs here; Client is implemented over its HTTP API by HTTPClient.
package gateway

import (
	"context"
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
)

// Card is a card as typed by a customer. It is sent to the gateway once,
// to tokenize it, and never stored or logged by tempomall.
type Card struct {
	Number     string `json:"number"`
	ExpMonth   int    `json:"exp_month"`
	ExpYear    int    `json:"exp_year"`
	CVC        string `json:"cvc"`
	HolderName string `json:"holder_name,omitempty"`
}

// PaymentMethod is a tokenized card.
type PaymentMethod struct {
	ID       string `json:"id"` // "pm_..."
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// Card returns the tokenized card as tempomall keeps it: the token, brand,
// last four digits and expiry.
func (pm PaymentMethod) Card() commerce.Card {
	return commerce.Card{Token: pm.ID, Brand: pm.Brand, Last4: pm.Last4, ExpMonth: pm.ExpMonth, ExpYear: pm.ExpYear}
}

// ChargeStatus is the state of a charge at the gateway.
type ChargeStatus string

// Charge states. A charge is created processing and settles asynchronously.
const (
	ChargeProcessing ChargeStatus = "processing"
	ChargeSucceeded  ChargeStatus = "succeeded"
	ChargeFailed     ChargeStatus = "failed"
	ChargeCanceled   ChargeStatus = "canceled"
)

// Charge is a payment attempt at the gateway.
type Charge struct {
	ID             string            `json:"id"` // "ch_..."
	Amount         int64             `json:"amount"`
	Currency       string            `json:"currency"`
	PaymentMethod  string            `json:"payment_method"`
	Status         ChargeStatus      `json:"status"`
	FailureCode    string            `json:"failure_code,omitempty"`
	FailureMessage string            `json:"failure_message,omitempty"`
	AmountRefunded int64             `json:"amount_refunded"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	Created        time.Time         `json:"created"`
}

// CreateChargeParams asks for a charge. IdempotencyKey is required: the
// gateway performs at most one charge per key and answers repeats with it.
type CreateChargeParams struct {
	Amount         int64             `json:"amount"`
	Currency       string            `json:"currency"`
	PaymentMethod  string            `json:"payment_method"`
	Description    string            `json:"description,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	IdempotencyKey string            `json:"-"`
}

// RefundStatus is the state of a refund at the gateway.
type RefundStatus string

// Refund states. A refund is created pending and settles asynchronously.
const (
	RefundPending   RefundStatus = "pending"
	RefundSucceeded RefundStatus = "succeeded"
	RefundFailed    RefundStatus = "failed"
)

// Refund gives back (part of) a succeeded charge.
type Refund struct {
	ID             string            `json:"id"` // "re_..."
	Charge         string            `json:"charge"`
	Amount         int64             `json:"amount"`
	Currency       string            `json:"currency"`
	Status         RefundStatus      `json:"status"`
	FailureMessage string            `json:"failure_message,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	Created        time.Time         `json:"created"`
}

// CreateRefundParams asks for a refund; IdempotencyKey is required.
type CreateRefundParams struct {
	Charge         string            `json:"charge"`
	Amount         int64             `json:"amount"`
	Reason         string            `json:"reason,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	IdempotencyKey string            `json:"-"`
}

// Event types sent by webhook.
const (
	EventChargeSucceeded = "charge.succeeded"
	EventChargeFailed    = "charge.failed"
	EventChargeCanceled  = "charge.canceled"
	EventRefundSucceeded = "refund.succeeded"
	EventRefundFailed    = "refund.failed"
)

// Event is a webhook notification. Exactly one of Charge and Refund is set.
type Event struct {
	ID      string    `json:"id"` // "evt_...", unique per event (resends keep it)
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	Charge  *Charge   `json:"charge,omitempty"`
	Refund  *Refund   `json:"refund,omitempty"`
}

// Client is the gateway's API as tempomall uses it.
type Client interface {
	CreatePaymentMethod(ctx context.Context, card Card) (PaymentMethod, error)
	// GetPaymentMethod returns a token's brand, last four and expiry.
	GetPaymentMethod(ctx context.Context, id string) (PaymentMethod, error)
	CreateCharge(ctx context.Context, p CreateChargeParams) (Charge, error)
	GetCharge(ctx context.Context, id string) (Charge, error)
	// SearchCharges returns the charges whose metadata holds key=value,
	// oldest first.
	SearchCharges(ctx context.Context, key, value string) ([]Charge, error)
	// CancelCharge cancels a charge that is still processing; a charge
	// that already settled is answered unchanged (check its Status).
	CancelCharge(ctx context.Context, id, idempotencyKey string) (Charge, error)
	CreateRefund(ctx context.Context, p CreateRefundParams) (Refund, error)
	GetRefund(ctx context.Context, id string) (Refund, error)
}

package payment

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/internal/text"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// CardVault tokenizes cards (the payment gateway).
type CardVault interface {
	CreatePaymentMethod(ctx context.Context, card gateway.Card) (gateway.PaymentMethod, error)
}

// OrderInfo is what payments need to know of an order.
type OrderInfo struct {
	ID     string
	UserID int64
	Status commerce.OrderStatus
}

// Orders reads orders (the order service).
type Orders interface {
	Order(ctx context.Context, id string) (OrderInfo, error)
}

// Service is the payment API over the order workflows (which run the
// payment and refund workflows) and the payments read model.
type Service struct {
	store    *Store
	temporal client.Client
	vault    CardVault
	orders   Orders
	// wait bounds the wait for a workflow's answer (config.Budgets).
	wait time.Duration
}

// NewService wires the payment service.
func NewService(store *Store, temporal client.Client, vault CardVault, orders Orders, wait time.Duration) *Service {
	return &Service{store: store, temporal: temporal, vault: vault, orders: orders, wait: wait}
}

// Tokenize sends a card to the gateway and returns the token with the
// brand, last four digits and expiry; the token belongs to the account
// owner from then on. The card itself is not kept.
func (s *Service) Tokenize(ctx context.Context, owner int64, card gateway.Card) (commerce.Card, error) {
	if card.Number == "" {
		return commerce.Card{}, apperr.InvalidArgf("card number is required")
	}
	pm, err := s.vault.CreatePaymentMethod(ctx, card)
	if err != nil {
		return commerce.Card{}, gateway.AppError(err)
	}
	c := pm.Card()
	if err := s.store.SavePaymentMethod(ctx, owner, c); err != nil {
		return commerce.Card{}, err
	}
	return c, nil
}

// Lookup returns the brand, last four and expiry of one of the owner's
// tokens; ErrNoPaymentMethod (NotFound) for a token that is unknown or
// another account's.
func (s *Service) Lookup(ctx context.Context, owner int64, token string) (commerce.Card, error) {
	if token == "" {
		return commerce.Card{}, apperr.InvalidArgf("token is required")
	}
	return s.store.PaymentMethod(ctx, owner, token)
}

// PaymentInput is how a caller pays: a card to tokenize, or a token (the
// card wins when both are set).
type PaymentInput struct {
	Card  *gateway.Card
	Token string
}

// card tokenizes the card, or looks up the token, for the owner of the
// order it pays. A token the owner does not have is the request's mistake
// (InvalidArgument), named without the token.
func (s *Service) card(ctx context.Context, owner int64, in PaymentInput) (commerce.Card, error) {
	if in.Card != nil {
		return s.Tokenize(ctx, owner, *in.Card)
	}
	c, err := s.Lookup(ctx, owner, in.Token)
	if errors.Is(err, ErrNoPaymentMethod) {
		return commerce.Card{}, apperr.InvalidArgf("payment_method.token: no such payment method of the order's customer; tokenize the card again")
	}
	return c, err
}

// order returns an order the caller may act on.
func (s *Service) order(ctx context.Context, id string) (OrderInfo, error) {
	if id == "" {
		return OrderInfo{}, apperr.InvalidArgf("order_id is required")
	}
	caller, err := authn.Caller(ctx)
	if err != nil {
		return OrderInfo{}, err
	}
	o, err := s.orders.Order(ctx, id)
	// Another customer's order is answered as one that does not exist, in
	// the same words.
	if apperr.Is(err, apperr.NotFound) || err == nil && o.UserID != caller.UserID && !caller.Privileged() {
		return OrderInfo{}, apperr.NotFoundf("no order %s", id)
	}
	if err != nil {
		return OrderInfo{}, err
	}
	return o, nil
}

// Charge pays an order waiting for payment. The card goes to the gateway
// only once the order is known to be the caller's. A repeat with the same
// key returns the same payment.
func (s *Service) Charge(ctx context.Context, orderID string, in PaymentInput, key string) (commerce.Payment, error) {
	if err := commerce.CheckKey("idempotency_key", key); err != nil {
		return commerce.Payment{}, err
	}
	if in.Card == nil && in.Token == "" {
		return commerce.Payment{}, apperr.InvalidArgf("payment_method needs a card or a token")
	}
	o, err := s.order(ctx, orderID)
	if err != nil {
		return commerce.Payment{}, err
	}
	card, err := s.card(ctx, o.UserID, in)
	if err != nil {
		return commerce.Payment{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	snap, err := temporalx.Update[orderwf.Snapshot](ctx, s.temporal, orderwf.WorkflowID(o.ID), "pay-"+key,
		orderwf.UpdatePay, orderwf.PayRequest{Card: card})
	if errors.Is(err, temporalx.ErrClosed) {
		return commerce.Payment{}, apperr.Preconditionf("order %s is %s and cannot be paid", o.ID, o.Status)
	}
	if err != nil {
		return commerce.Payment{}, err
	}
	return *snap.Payment, nil
}

// Refund refunds (part of) a paid order: amount, or what remains when
// amount is nil. A repeat with the same key returns the same refund.
func (s *Service) Refund(ctx context.Context, orderID string, amount *money.Money, reason, key string) (commerce.Refund, commerce.Payment, error) {
	if err := commerce.CheckKey("idempotency_key", key); err != nil {
		return commerce.Refund{}, commerce.Payment{}, err
	}
	var req orderwf.RefundRequest
	if amount != nil {
		if amount.Amount <= 0 {
			return commerce.Refund{}, commerce.Payment{}, apperr.InvalidArgf("amount must be positive; leave it unset to refund what remains")
		}
		if amount.Currency == "" {
			return commerce.Refund{}, commerce.Payment{}, apperr.InvalidArgf("amount.currency is required: the order's currency")
		}
		req.Amount = *amount
	}
	if err := text.Check("reason", reason, text.Rule{Max: commerce.MaxReason}); err != nil {
		return commerce.Refund{}, commerce.Payment{}, err
	}
	o, err := s.order(ctx, orderID)
	if err != nil {
		return commerce.Refund{}, commerce.Payment{}, err
	}
	req.Reason = reason
	ctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	snap, err := temporalx.Update[orderwf.Snapshot](ctx, s.temporal, orderwf.WorkflowID(o.ID), "refund-"+key,
		orderwf.UpdateRefund, req)
	if errors.Is(err, temporalx.ErrClosed) {
		return commerce.Refund{}, commerce.Payment{}, closedForRefunds(o)
	}
	if err != nil {
		return commerce.Refund{}, commerce.Payment{}, err
	}
	return *snap.Refund, *snap.Payment, nil
}

// closedForRefunds says why an order whose workflow has closed takes no
// refund.
func closedForRefunds(o OrderInfo) error {
	switch o.Status {
	case commerce.OrderPaid, commerce.OrderPartiallyRefunded:
		return apperr.Preconditionf("the refund window of order %s has closed", o.ID)
	case commerce.OrderRefunded:
		return apperr.Preconditionf("order %s is already refunded in full", o.ID)
	}
	return apperr.Preconditionf("order %s is %s and was never paid: there is nothing to refund", o.ID, o.Status)
}

// Get returns a payment by id, or an order's latest payment.
func (s *Service) Get(ctx context.Context, paymentID, orderID string) (commerce.Payment, error) {
	caller, err := authn.Caller(ctx)
	if err != nil {
		return commerce.Payment{}, err
	}
	var p commerce.Payment
	switch {
	case paymentID != "":
		p, err = s.store.Get(ctx, paymentID)
	case orderID != "":
		p, err = s.store.Latest(ctx, orderID)
	default:
		return commerce.Payment{}, apperr.InvalidArgf("payment_id or order_id is required")
	}
	// Another customer's payment is answered as one that does not exist,
	// in the same words.
	if errors.Is(err, ErrNotFound) || err == nil && p.UserID != caller.UserID && !caller.Privileged() {
		if paymentID != "" {
			return commerce.Payment{}, apperr.Wrap(ErrNotFound, "no payment %s", paymentID)
		}
		return commerce.Payment{}, apperr.Wrap(ErrNotFound, "order %s has no payment", orderID)
	}
	if err != nil {
		return commerce.Payment{}, err
	}
	return p, nil
}

// Logs returns the payment log of an order or of one payment.
func (s *Service) Logs(ctx context.Context, orderID, paymentID string) ([]Log, error) {
	p, err := s.Get(ctx, paymentID, orderID)
	if err != nil {
		return nil, err
	}
	if paymentID != "" {
		return s.store.Logs(ctx, "", p.ID)
	}
	return s.store.Logs(ctx, p.OrderID, "")
}

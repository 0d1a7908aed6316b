// Package order holds the order lifecycle: one workflow per customer
// purchase, from the checkout to the order's end. It reads like the
// business process, in phases, each with its own state:
//
//  1. checkout: the cart is priced into an open checkout (a draft may be
//     changed) until the customer places it: the stock and coupon are
//     held, the card is charged and the order is recorded as
//     PENDING_PAYMENT, all in the one workflow task that answers the
//     customer;
//  2. awaiting payment: the gateway's signed callback (or a poll when it
//     does not come) settles the charge; a declined customer pays again;
//     the customer may cancel; the payment window may close (EXPIRED);
//  3. the paid period: the stock is committed; refunds (admins) go back
//     through the gateway until the refund window closes;
//  4. the end: the workflow returns the final snapshot.
//
// Every transition is written to the read models (checkouts, orders,
// payments and the payment log, refunds) by one local activity and to the
// search attributes by one upsert; the workflow answers the "status" query.
// Customer requests are Updates, validated, done under the workflow's
// mutex and answered; gateway events are signals.
package order

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
)

// TaskQueue is where order workflows and their activities run. Payments
// share it, so that the gateway calls run eagerly on the worker that runs
// the workflow; scheduled jobs have a queue of their own.
const TaskQueue = "tempomall-orders"

// WorkflowType is the registered name of the order lifecycle workflow.
const WorkflowType = "OrderLifecycle"

// workflowPrefix starts the id of every order workflow.
const workflowPrefix = "order/"

// WorkflowID is the id of an order's workflow, which is also its
// checkout's.
func WorkflowID(orderID string) string { return workflowPrefix + orderID }

// IsWorkflowID reports whether id names an order workflow: the workflows
// gateway events (SignalGatewayEvent) may be sent to.
func IsWorkflowID(id string) bool { return strings.HasPrefix(id, workflowPrefix) }

// digest is the stable part of the ids of one customer's purchase for one
// idempotency key: a retried request finds the same checkout and order.
func digest(userID int64, key string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "checkout/%d/%s", userID, key))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// OrderID is the id of the order a customer's checkout with key places.
func OrderID(userID int64, key string) string { return "ord_" + digest(userID, key) }

// CheckoutID is the id of a customer's checkout for key.
func CheckoutID(userID int64, key string) string { return "co_" + digest(userID, key) }

// PaymentID is the id of an order's n-th payment attempt; it is also the
// gateway idempotency key of its charge.
func PaymentID(orderID string, attempt int) string {
	return fmt.Sprintf("%s%d", paymentPrefix(orderID), attempt)
}

// paymentPrefix starts the ids of every payment attempt of an order.
func paymentPrefix(orderID string) string { return "pay_" + orderID + "_" }

// RefundID is the id of an order's n-th refund and its idempotency key.
func RefundID(orderID string, n int) string { return fmt.Sprintf("re_%s_%d", orderID, n) }

// The query, updates and signal of the order workflow.
const (
	// QueryStatus answers the current Snapshot.
	QueryStatus = "status"

	// UpdateQuote answers the open checkout once it is priced (a draft).
	UpdateQuote = "quote"
	// UpdatePlace places the order and answers once it exists (Placed).
	UpdatePlace = "place"
	// UpdateModify changes an open checkout and prices it again.
	UpdateModify = "modify"
	// UpdateDelete abandons an open checkout.
	UpdateDelete = "delete"

	// UpdateCancel cancels an unpaid order.
	UpdateCancel = "cancel"
	// UpdateAddress changes the delivery address of an order.
	UpdateAddress = "update-address"
	// UpdatePay starts a payment attempt (after a decline, or for an order
	// placed without a card).
	UpdatePay = "pay"
	// UpdateRefund refunds (part of) a paid order.
	UpdateRefund = "refund"

	// SignalGatewayEvent carries a verified gateway webhook event (a
	// gateway.Event) about the order's charge or refund.
	SignalGatewayEvent = "gateway-event"
)

// Settings are the timing rules of orders.
type Settings struct {
	// CheckoutTTL is how long a draft checkout stays open.
	CheckoutTTL time.Duration
	// PlacementBudget bounds placing an order, from the request to the
	// answer (config.Budgets derives the callers' deadlines from it).
	PlacementBudget time.Duration
	// PaymentWindow is how long an order waits for payment before it
	// expires.
	PaymentWindow time.Duration
	// ReconcileAfter is how long to wait for the gateway's callback before
	// asking the gateway; later polls back off up to a minute.
	ReconcileAfter time.Duration
	// ChargeTimeout is when a charge without an outcome is given up: it is
	// cancelled at the gateway and the attempt fails.
	ChargeTimeout time.Duration
	// RefundWindow is how long a paid order accepts refunds.
	RefundWindow time.Duration
}

// Input starts an order's workflow: a checkout of the customer's cart, or
// an order of given items (OrderService.PlaceOrder).
type Input struct {
	commerce.OrderRequest
	IdempotencyKey string
	Settings       Settings
	// Place is the place request the workflow was started with (a
	// checkout that places at once, or an order of given items), nil for
	// a draft. The workflow acts on it itself when the request's update
	// does not reach it within the placement budget (see
	// awaitFirstRequest).
	Place *PlaceRequest `json:",omitempty"`
}

// Changes modify an open checkout; nil fields stay.
type Changes struct {
	Address    *commerce.Address
	Currency   *string
	CouponCode *string
}

// PlaceRequest places an open checkout. Its changes are those of the
// request that places it: fields it leaves out keep the checkout's values.
type PlaceRequest struct {
	Changes Changes
	Card    *commerce.Card
	// ExpectedPayable, when set, must equal the payable amount.
	ExpectedPayable *money.Money
}

// CancelRequest cancels an unpaid order.
type CancelRequest struct {
	Reason string
	// CancelPayment also cancels a payment in flight; without it such an
	// order cannot be cancelled.
	CancelPayment bool
}

// PayRequest starts a payment attempt.
type PayRequest struct {
	Card commerce.Card
}

// RefundRequest refunds (part of) a paid order.
type RefundRequest struct {
	// Amount to refund; zero refunds what remains.
	Amount money.Money
	Reason string
}

// Snapshot is the workflow's state: its checkout, and its order with the
// latest payment and refund once placed. It is the status query's answer,
// every update's answer and the workflow's result.
type Snapshot struct {
	Checkout commerce.Checkout
	// Order is nil until the order is placed.
	Order   *commerce.Order
	Payment *commerce.Payment `json:",omitempty"`
	Refund  *commerce.Refund  `json:",omitempty"`
}

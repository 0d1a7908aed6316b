// Package order holds the order workflow: one per order, from placement to
// its final state. It places the order (prices it, redeems the coupon,
// reserves the stock, records it as PENDING_PAYMENT), runs payment
// attempts as child workflows, and reacts to user actions (Updates: cancel,
// change the address, pay, refund) and to the expiry timer. Every
// transition is recorded in the orders read model and in search
// attributes, and the workflow answers the "status" query.
//
// States: PENDING_PAYMENT -> PAID -> (PARTIALLY_REFUNDED ->) REFUNDED;
// PENDING_PAYMENT -> CANCELLED | EXPIRED.
package order

import (
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/workflows/payment"
)

// TaskQueue is where order and checkout workflows run.
const TaskQueue = "tempomall-orders"

// WorkflowID is the id of an order's workflow.
func WorkflowID(orderID string) string { return "order/" + orderID }

// The query and the updates of the order workflow.
const (
	QueryStatus = "status"
	// UpdatePlacement answers once the order exists (or failed to).
	UpdatePlacement = "placement"
	UpdateCancel    = "cancel"
	UpdateAddress   = "update-address"
	UpdatePay       = "pay"
	UpdateRefund    = "refund"
)

// Settings are the timing rules of orders.
type Settings struct {
	// PaymentTimeout is how long an order waits for payment before it
	// expires.
	PaymentTimeout time.Duration
	// RefundWindow is how long a paid order accepts refunds; then the
	// workflow completes.
	RefundWindow time.Duration
	Payment      payment.Settings
}

// Input places an order.
type Input struct {
	commerce.OrderRequest
	Settings Settings
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

// PayResult is the order and its new payment, once the charge is with the
// gateway (or already failed).
type PayResult struct {
	Order   commerce.Order
	Payment commerce.Payment
}

// RefundRequest refunds (part of) a paid order.
type RefundRequest struct {
	// Amount to refund; zero refunds what remains.
	Amount money.Money
	Reason string
}

// RefundResult is the order and its refund, once the gateway has accepted
// the refund (PENDING) or it has settled.
type RefundResult struct {
	Order  commerce.Order
	Refund commerce.Refund
}

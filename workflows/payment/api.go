// Package payment holds the payment and refund workflows. A payment
// workflow charges a card for an order through the gateway and waits for
// the outcome: the gateway's signed callback (delivered by the payment
// service's webhook endpoint as a signal), or reconciliation by polling the
// gateway when no callback comes, or a timeout. A refund workflow gives
// money back for a settled charge the same way. Both notify their parent
// (the order workflow) of every state change and record every change in
// the payments read model and the payment log.
package payment

import (
	"fmt"
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/wfnames"
)

// TaskQueue is where payment and refund work runs, apart from bulk jobs.
const TaskQueue = "tempomall-payments"

// WorkflowID is the id of an order's payment workflow (one at a time; a
// new attempt reuses the id once the previous one has closed).
func WorkflowID(orderID string) string { return wfnames.PaymentWorkflowID(orderID) }

// RefundWorkflowID is the id of an order's n-th refund workflow.
func RefundWorkflowID(orderID string, n int) string { return wfnames.RefundWorkflowID(orderID, n) }

// PaymentID is the id of an order's n-th payment attempt; it is also the
// gateway idempotency key of its charge.
func PaymentID(orderID string, attempt int) string { return fmt.Sprintf("pay_%s_%d", orderID, attempt) }

// RefundID is the id of an order's n-th refund and its idempotency key.
func RefundID(orderID string, n int) string { return fmt.Sprintf("re_%s_%d", orderID, n) }

// Signals.
const (
	// SignalGatewayEvent carries a verified gateway webhook event.
	SignalGatewayEvent = wfnames.SignalGatewayEvent
	// SignalParentUpdate is what payment and refund workflows send their
	// parent on every state change of the payment (a commerce.Payment).
	SignalParentUpdate = "payment-update"
	// SignalRefundUpdate is what a refund workflow sends its parent on
	// every state change of the refund (a commerce.Refund).
	SignalRefundUpdate = "refund-update"
)

// QueryStatus returns the workflow's current snapshot.
const QueryStatus = "status"

// Settings are the timing rules of payments.
type Settings struct {
	// ReconcileAfter is how long to wait for the callback before asking the
	// gateway; later polls back off up to a minute.
	ReconcileAfter time.Duration
	// Timeout is when an unresolved payment gives up: the charge is
	// cancelled at the gateway and the payment fails.
	Timeout time.Duration
}

// Input starts a payment.
type Input struct {
	OrderID  string
	UserID   int64
	Attempt  int
	Amount   money.Money
	Card     commerce.Card
	Settings Settings
}

// RefundInput starts a refund of a settled charge.
type RefundInput struct {
	OrderID string
	N       int
	Amount  money.Money
	Reason  string
	// Payment is the latest snapshot of the refunded payment; the refund
	// updates its refunded amount and status.
	Payment  commerce.Payment
	Settings Settings
}

// RefundResult is a settled refund and the payment as it now stands.
type RefundResult struct {
	Refund  commerce.Refund
	Payment commerce.Payment
}

// GatewayEvent is a verified webhook event addressed to a workflow.
type GatewayEvent = gateway.Event

// Package wfnames names the payment and refund workflows and the signal
// that carries gateway events to them, for code outside the workflows that
// addresses them: the payment service's webhook and the reconciliation job
// in package activities. It imports nothing of tempomall, so that
// activities, which the workflows import, can use it.
package wfnames

import (
	"fmt"
	"strings"
)

// Workflow id prefixes.
const (
	paymentPrefix = "payment/"
	refundPrefix  = "refund/"
)

// PaymentWorkflowID is the id of an order's payment workflow (one at a
// time; a new attempt reuses the id once the previous one has closed).
func PaymentWorkflowID(orderID string) string { return paymentPrefix + orderID }

// RefundWorkflowID is the id of an order's n-th refund workflow.
func RefundWorkflowID(orderID string, n int) string {
	return fmt.Sprintf("%s%s/%d", refundPrefix, orderID, n)
}

// TakesGatewayEvents reports whether id names a payment or a refund
// workflow: those are the workflows SignalGatewayEvent may be sent to.
func TakesGatewayEvents(id string) bool {
	return strings.HasPrefix(id, paymentPrefix) || strings.HasPrefix(id, refundPrefix)
}

// SignalGatewayEvent carries a verified gateway event (a gateway.Event) to
// a payment or refund workflow.
const SignalGatewayEvent = "gateway-event"

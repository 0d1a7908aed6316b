package wfnames_test

import (
	"testing"

	"github.com/tempomall/tempomall/internal/wfnames"
	paymentwf "github.com/tempomall/tempomall/workflows/payment"
)

// The workflows define the same names; recorded histories hold them, so
// they must not drift apart.
func TestNamesMatchTheWorkflows(t *testing.T) {
	if got, want := wfnames.PaymentWorkflowID("o1"), paymentwf.WorkflowID("o1"); got != want {
		t.Errorf("PaymentWorkflowID = %q, the workflow's is %q", got, want)
	}
	if got, want := wfnames.RefundWorkflowID("o1", 2), paymentwf.RefundWorkflowID("o1", 2); got != want {
		t.Errorf("RefundWorkflowID = %q, the workflow's is %q", got, want)
	}
	if wfnames.SignalGatewayEvent != paymentwf.SignalGatewayEvent {
		t.Errorf("SignalGatewayEvent = %q, the workflow's is %q", wfnames.SignalGatewayEvent, paymentwf.SignalGatewayEvent)
	}
}

func TestTakesGatewayEvents(t *testing.T) {
	for id, want := range map[string]bool{
		wfnames.PaymentWorkflowID("o1"):   true,
		wfnames.RefundWorkflowID("o1", 1): true,
		"order/o1":                        false,
		"checkout/c1":                     false,
		"":                                false,
		"xpayment/o1":                     false,
	} {
		if got := wfnames.TakesGatewayEvents(id); got != want {
			t.Errorf("TakesGatewayEvents(%q) = %v, want %v", id, got, want)
		}
	}
}

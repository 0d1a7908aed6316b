package e2e_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	orderwf "github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/schedules"
)

// recordEnv, when set, makes TestRecordHistories write the histories of
// the workflows it runs to workflows/testdata, for the replay tests
// (make record-histories).
const recordEnv = "TEMPOMALL_RECORD_HISTORIES"

// TestRecordHistories runs every lifecycle against the real dev server and
// records each workflow's history. Recording is only needed after a
// deliberate, versioned change to workflow code; the replay tests
// (workflows/replay) check every later change against these histories.
func TestRecordHistories(t *testing.T) {
	if os.Getenv(recordEnv) == "" {
		t.Skipf("set %s=1 to record workflow histories", recordEnv)
	}
	s := fullStack(t)
	adm := s.admin(t)
	orders := map[string]string{}

	// Paid, partly then fully refunded.
	_, tok := s.buy(t, 2)
	co := s.checkout(t, tok, "rec-paid", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	for i, amount := range []int64{1000, 0} {
		req := &payment.RefundRequest{OrderId: co.GetOrderId(), IdempotencyKey: fmt.Sprintf("rec-%d", i)}
		if amount > 0 {
			req.Amount = &common.Money{Amount: amount, Currency: "USD"}
		}
		if _, err := s.clients.Payment.Refund(as(adm), req); err != nil {
			t.Fatalf("refund: %v", err)
		}
		s.waitOrder(t, tok, co.GetOrderId(), []order.OrderStatus{partRef, refunded}[i], 10*time.Second)
	}
	orders["refunded"] = co.GetOrderId()

	// Expired.
	_, tok = s.buy(t, 1)
	co = s.checkout(t, tok, "rec-expire", "")
	s.waitOrder(t, tok, co.GetOrderId(), expired, testOrderTimeout+10*time.Second)
	orders["expired"] = co.GetOrderId()

	// Cancelled with its payment in flight.
	_, tok = s.buy(t, 1)
	co = s.checkout(t, tok, "rec-cancel", cardHangs)
	time.Sleep(500 * time.Millisecond)
	if _, err := s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId(), CancelPayment: true}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	orders["cancelled"] = co.GetOrderId()

	// Declined, then paid with another card; and paid without a callback.
	_, tok = s.buy(t, 1)
	co = s.checkout(t, tok, "rec-decline", cardDeclines)
	time.Sleep(2 * time.Second)
	if _, err := s.clients.Payment.Charge(as(tok), &payment.ChargeRequest{OrderId: co.GetOrderId(), PaymentMethod: cardInput(cardSucceeds), IdempotencyKey: "rec"}); err != nil {
		t.Fatalf("charge: %v", err)
	}
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	orders["declined-then-paid"] = co.GetOrderId()
	_, tok = s.buy(t, 1)
	co = s.checkout(t, tok, "rec-silent", cardSilent)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	orders["reconciled"] = co.GetOrderId()

	// A draft changed, then deleted; and a placement refused (sold out).
	_, tok = s.buy(t, 1)
	draft, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "rec-draft", Draft: true, Address: homeAddress})
	if err != nil {
		t.Fatalf("draft: %v", err)
	}
	eur := "EUR"
	if _, err := s.clients.Checkout.UpdateCheckout(as(tok), &checkout.UpdateCheckoutRequest{CheckoutId: draft.GetCheckout().GetId(), Currency: &eur}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, err := s.clients.Checkout.DeleteCheckout(as(tok), &checkout.DeleteCheckoutRequest{CheckoutId: draft.GetCheckout().GetId()}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	orders["deleted"] = lastOrderOf(t, s, tok, "rec-draft")
	_, tok = s.buy(t, 11)
	if _, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "rec-short", Address: homeAddress}); err == nil {
		t.Fatal("a checkout of 11 units of 10 was placed")
	}
	orders["sold-out"] = lastOrderOf(t, s, tok, "rec-short")

	time.Sleep(time.Second) // let the last workflow tasks complete
	dir := filepath.Join("..", "workflows", "testdata")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, id := range orders {
		runs := s.runsOf(t, ctx, fmt.Sprintf("WorkflowId = 'order/%[1]s' OR OrderId = '%[1]s'", id))
		for _, run := range runs {
			h := s.history(t, ctx, run.GetExecution().GetWorkflowId(), run.GetExecution().GetRunId())
			file := filepath.Join(dir, fmt.Sprintf("%s.%s.%s.json", name, run.GetType().GetName(), tail(run.GetExecution().GetRunId())))
			b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("recorded %s (%d events)", file, len(h.GetEvents()))
		}
	}
	// One checkout of these orders, and one run of each scheduled job.
	for _, id := range []string{schedules.ReconcileScheduleID, schedules.PurgeScheduleID} {
		if err := full.tc.ScheduleClient().GetHandle(ctx, id).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
			t.Fatalf("trigger %s: %v", id, err)
		}
	}
	for name, typ := range map[string]string{"reconcile": "ReconcilePayments", "purge": "PurgeCheckouts"} {
		run := s.runsOf(t, ctx, fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Completed'", typ))[0]
		h := s.history(t, ctx, run.GetExecution().GetWorkflowId(), run.GetExecution().GetRunId())
		b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s.%s.%s.json", name, typ, tail(run.GetExecution().GetRunId())))
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %s (%d events)", file, len(h.GetEvents()))
	}
}

// runsOf lists workflow executions matching a visibility query (waiting
// for visibility to catch up).
func (s *stack) runsOf(t *testing.T, ctx context.Context, query string) []*workflowpb.WorkflowExecutionInfo {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := full.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatalf("list %q: %v", query, err)
		}
		if len(resp.GetExecutions()) > 0 {
			return resp.GetExecutions()
		}
		if time.Now().After(deadline) {
			t.Fatalf("no workflow run matches %q", query)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// history returns a run's full history.
func (s *stack) history(t *testing.T, ctx context.Context, id, runID string) *historypb.History {
	t.Helper()
	it := full.tc.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// tail returns the random end of a run id (UUIDv7 run ids start with the
// time).
func tail(runID string) string { return runID[len(runID)-12:] }

// lastOrderOf returns the order id of a customer's checkout with key,
// from its workflow (a refused checkout has no order record).
func lastOrderOf(t *testing.T, s *stack, tok, key string) string {
	t.Helper()
	u, err := s.clients.User.GetUser(as(tok), &user.GetUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return orderwf.OrderID(u.GetUser().GetId(), key)
}

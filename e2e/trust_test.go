package e2e_test

// Tests of the trust boundary: each one is a hole that hostile testing
// found (issue "Trust boundaries"), kept so that none of them can come
// back.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/money"
)

// A saved card belongs to the account that created it: another customer
// can neither see it nor pay with it, and no answer quotes the token.
func TestSavedCardsBelongToTheirOwner(t *testing.T) {
	s := fullStack(t)
	_, dTok := s.customer(t)
	pm, err := s.clients.Payment.CreatePaymentMethod(as(dTok), &payment.CreatePaymentMethodRequest{Card: cardInput(cardSucceeds).GetCard()})
	if err != nil {
		t.Fatalf("tokenize: %v", err)
	}
	token := pm.GetMethod().GetToken()
	if _, err := s.clients.Payment.GetPaymentMethod(as(dTok), &payment.GetPaymentMethodRequest{Token: token}); err != nil {
		t.Fatalf("the owner reads its card: %v", err)
	}

	pid, eTok := s.buy(t, 1)
	_, err = s.clients.Payment.GetPaymentMethod(as(eTok), &payment.GetPaymentMethodRequest{Token: token})
	wantKind(t, "another customer reads the card", err, apperr.NotFound)
	noToken(t, err, token)

	byToken := &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: token}}
	_, err = s.clients.Checkout.Checkout(as(eTok), &checkout.CheckoutRequest{IdempotencyKey: "stolen", Address: homeAddress, PaymentMethod: byToken})
	wantKind(t, "checkout with another customer's card", err, apperr.InvalidArgument)
	noToken(t, err, token)
	s.wantStock(t, pid, 10, 0, 0)

	co := s.checkout(t, eTok, "pay-later", "")
	_, err = s.clients.Payment.Charge(as(eTok), &payment.ChargeRequest{OrderId: co.GetOrderId(), PaymentMethod: byToken, IdempotencyKey: "stolen"})
	wantKind(t, "charge with another customer's card", err, apperr.InvalidArgument)
	noToken(t, err, token)
	got, err := s.clients.Order.GetOrder(as(eTok), &order.GetOrderRequest{OrderId: co.GetOrderId()})
	if err != nil || got.GetOrder().GetPaymentId() != "" {
		t.Errorf("the order after a refused charge: %+v %v", got.GetOrder(), err)
	}
}

func noToken(t *testing.T, err error, token string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), token) {
		t.Errorf("the answer quotes the token: %v", err)
	}
}

// Roles go to accounts that exist only; asking about an unknown account
// is NotFound too.
func TestRolesOnlyForExistingAccounts(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	id, _ := s.customer(t)
	next := id + 1000
	_, err := s.clients.Auth.AssignRole(as(adminTok), &auth.AssignRoleRequest{UserId: next, Role: "admin"})
	wantKind(t, "assign a role to an account that does not exist", err, apperr.NotFound)
	_, err = s.clients.Auth.CheckPermission(as(adminTok), &auth.CheckPermissionRequest{UserId: next, Service: "order", Method: "GetOrder"})
	wantKind(t, "check an account that does not exist", err, apperr.NotFound)
	if _, err := s.clients.Auth.AssignRole(as(adminTok), &auth.AssignRoleRequest{UserId: id, Role: "admin"}); err != nil {
		t.Errorf("assign a role to an account that exists: %v", err)
	}
}

// CheckPermission answers what the guard decides: public methods are open
// to everyone, internal ones to services only, whatever a policy says;
// AddPolicy takes only methods of the contract that a policy governs.
func TestCheckPermissionAgreesWithTheGuard(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	check := func(role, service, method string) (bool, error) {
		resp, err := s.clients.Auth.CheckPermission(as(adminTok), &auth.CheckPermissionRequest{Role: role, Service: service, Method: method})
		return resp.GetAllowed(), err
	}
	for _, c := range []struct {
		role, service, method string
		want                  bool
	}{
		{"customer", "product", "GetProduct", true}, // public
		{"customer", "user", "Register", true},      // public
		{"customer", "order", "GetOrder", true},     // policy
		{"customer", "product", "CreateProduct", false},
		{"admin", "product", "ReserveStock", false}, // internal
		{"service", "product", "ReserveStock", true},
		{"customer", "cart", "RemoveOrderedItems", false},
	} {
		got, err := check(c.role, c.service, c.method)
		if err != nil || got != c.want {
			t.Errorf("CheckPermission(%s, %s.%s) = %v, %v; want %v", c.role, c.service, c.method, got, err, c.want)
		}
	}
	_, err := check("customer", "product", "GetStok")
	wantKind(t, "check a method the contract does not have", err, apperr.InvalidArgument)

	add := func(role, service, method string) error {
		_, err := s.clients.Auth.AddPolicy(as(adminTok), &auth.AddPolicyRequest{Policy: &auth.Policy{Role: role, Service: service, Method: method}})
		return err
	}
	wantKind(t, "a policy on a method the contract does not have", add("admin", "product", "GetStok"), apperr.InvalidArgument)
	wantKind(t, "a policy on an internal method", add("admin", "product", "ReserveStock"), apperr.InvalidArgument)
	if allowed, err := check("admin", "product", "ReserveStock"); err != nil || allowed {
		t.Errorf("after the refused policy, admin may call ReserveStock: %v %v", allowed, err)
	}
	list, err := s.clients.Auth.ListPolicies(as(adminTok), &auth.ListPoliciesRequest{Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.GetPolicies() {
		if p.GetMethod() == "GetStok" || p.GetMethod() == "ReserveStock" {
			t.Errorf("a refused policy was stored: %+v", p)
		}
	}
}

// An explicit refund amount must be positive; only an absent amount means
// "what remains".
func TestRefundOfZeroIsRefused(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "zero", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	adminTok := s.admin(t)
	_, err := s.clients.Payment.Refund(as(adminTok), &payment.RefundRequest{
		OrderId: co.GetOrderId(), Amount: &common.Money{Amount: 0, Currency: "USD"}, IdempotencyKey: "zero",
	})
	wantKind(t, "a refund of zero", err, apperr.InvalidArgument)
	got, err := s.clients.Order.GetOrder(as(tok), &order.GetOrderRequest{OrderId: co.GetOrderId()})
	if err != nil || got.GetOrder().GetStatus() != paid || got.GetOrder().GetRefunded().GetAmount() != 0 {
		t.Errorf("the order after a refused refund: %+v %v", got.GetOrder(), err)
	}
}

// Cards the gateway refuses as invalid, and unknown or malformed tokens,
// are the caller's mistake: InvalidArgument, never Internal.
func TestInvalidCardsAtCheckout(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 1)
	year := int32(time.Now().Year() + 2)
	for _, c := range []struct {
		name string
		pm   *payment.PaymentMethodInput
	}{
		{"bad Luhn", card("4242424242424241", 12, year, "123")},
		{"month 13", card(cardSucceeds, 13, year, "123")},
		{"expired", card(cardSucceeds, 1, int32(time.Now().Year()-1), "123")},
		{"long CVV", card(cardSucceeds, 12, year, "12345")},
		{"unknown token", &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: "pm_0123456789abcdef"}}},
		{"malformed token", &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: "not a token"}}},
	} {
		_, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "card", Address: homeAddress, PaymentMethod: c.pm})
		wantKind(t, c.name, err, apperr.InvalidArgument)
	}
	s.wantStock(t, pid, 10, 0, 0)
}

func card(number string, month, year int32, cvv string) *payment.PaymentMethodInput {
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: &payment.Card{
		Number: number, ExpMonth: month, ExpYear: year, Cvv: cvv, HolderName: "Ada Lovelace",
	}}}
}

// Charge for an order that does not exist is NotFound.
func TestChargeUnknownOrder(t *testing.T) {
	s := fullStack(t)
	_, tok := s.customer(t)
	_, err := s.clients.Payment.Charge(as(tok), &payment.ChargeRequest{OrderId: "ord_doesnotexist", PaymentMethod: cardInput(cardSucceeds), IdempotencyKey: "k"})
	wantKind(t, "charge an unknown order", err, apperr.NotFound)
}

// A conversion past the largest amount is refused when the cart is
// priced, as the caller's problem.
func TestConversionOverflow(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	pid := s.product(t, adminTok, money.MaxAmount, 10)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 1)
	start := time.Now()
	_, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "jpy", Address: homeAddress, Currency: "JPY"})
	wantKind(t, "a maximum price in JPY", err, apperr.InvalidArgument)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the refusal took %s: it was retried", d)
	}
}

// A token that is presented must be valid, on public methods too.
func TestBadTokenOnPublicMethod(t *testing.T) {
	s := fullStack(t)
	pid := s.product(t, s.admin(t), 100, 1)
	_, err := s.clients.Product.GetProduct(as("garbage"), &product.GetProductRequest{Id: pid})
	wantKind(t, "GetProduct with a garbage token", err, apperr.Unauthenticated)
	if _, err := s.clients.Product.GetProduct(context.Background(), &product.GetProductRequest{Id: pid}); err != nil {
		t.Errorf("GetProduct without a token: %v", err)
	}
}

// A draft placed by a request without an address keeps the address that
// UpdateCheckout gave it.
func TestDraftKeepsItsAddress(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	draft, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "keep", Draft: true, Address: homeAddress})
	if err != nil {
		t.Fatalf("draft: %v", err)
	}
	office := &common.Address{Recipient: "Charles Babbage", Street: "1 Dorset Street", City: "London", Country: "GB", ZipCode: "W1U 4EG"}
	if _, err := s.clients.Checkout.UpdateCheckout(as(tok), &checkout.UpdateCheckoutRequest{CheckoutId: draft.GetCheckout().GetId(), Address: office}); err != nil {
		t.Fatalf("update: %v", err)
	}
	placed, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "keep", PaymentMethod: cardInput(cardSucceeds)})
	if err != nil {
		t.Fatalf("place without an address: %v", err)
	}
	if got := placed.GetCheckout().GetAddress().GetStreet(); got != office.GetStreet() {
		t.Errorf("placed with street %q, want %q", got, office.GetStreet())
	}
	o, err := s.clients.Order.GetOrder(as(tok), &order.GetOrderRequest{OrderId: placed.GetCheckout().GetOrderId()})
	if err != nil || o.GetOrder().GetAddress().GetStreet() != office.GetStreet() {
		t.Errorf("order address %+v %v", o.GetOrder().GetAddress(), err)
	}
}

// A sell-out between the quote and the placement is a business outcome:
// the workflows end normally, none as Failed.
func TestSellOutIsNoFailedWorkflow(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	pid := s.product(t, adminTok, 700, 1)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 1)
	draft, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "late", Draft: true, Address: homeAddress})
	if err != nil {
		t.Fatalf("draft: %v", err)
	}
	_, other := s.customer(t)
	s.addToCart(t, other, pid, 1)
	s.checkout(t, other, "first", cardSucceeds) // takes the last unit
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "late", PaymentMethod: cardInput(cardSucceeds)})
	wantKind(t, "place after the sell-out", err, apperr.FailedPrecondition)
	orderID := "ord_" + strings.TrimPrefix(draft.GetCheckout().GetId(), "co_")
	wantNotFailed(t, "order/"+orderID)
}

// wantNotFailed waits for a workflow to close (when it exists) and fails
// the test if it closed as Failed.
func wantNotFailed(t *testing.T, workflowID string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	for {
		d, err := full.tc.DescribeWorkflowExecution(ctx, workflowID, "")
		if err != nil {
			if strings.Contains(err.Error(), "not found") {
				return
			}
			t.Fatalf("describe %s: %v", workflowID, err)
		}
		st := d.GetWorkflowExecutionInfo().GetStatus()
		switch {
		case st == enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
			t.Fatalf("workflow %s ended as Failed", workflowID)
		case st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			return
		case time.Now().After(deadline):
			t.Fatalf("workflow %s still runs", workflowID)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stock levels are public, name unknown and deleted products in
// missing_ids, and one unknown id does not fail the call.
func TestStockReads(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	pid := s.product(t, adminTok, 100, 7)
	gone := s.product(t, adminTok, 100, 3)
	if _, err := s.clients.Product.DeleteProduct(as(adminTok), &product.DeleteProductRequest{Id: gone}); err != nil {
		t.Fatal(err)
	}
	resp, err := s.clients.Product.GetStock(context.Background(), &product.GetStockRequest{ProductIds: []int64{pid, 999999999, gone}})
	if err != nil {
		t.Fatalf("anonymous GetStock: %v", err)
	}
	if len(resp.GetLevels()) != 1 || resp.GetLevels()[0].GetProductId() != pid || resp.GetLevels()[0].GetAvailable() != 7 {
		t.Errorf("levels %+v", resp.GetLevels())
	}
	if got := resp.GetMissingIds(); len(got) != 2 || got[0] != 999999999 || got[1] != gone {
		t.Errorf("missing_ids %v, want [999999999 %d]", got, gone)
	}
}

// Oversized tokens and fields are the caller's mistake, over Kitex and
// over gRPC alike: InvalidArgument, never Unavailable from a transport
// limit, and the answer quotes a short prefix at most.
func TestOversizedInput(t *testing.T) {
	s := fullStack(t)
	pid := s.product(t, s.admin(t), 100, 1)
	_, tok := s.customer(t)
	grpcClients, err := clients.New(s.cfg, clients.Options{GRPC: true})
	if err != nil {
		t.Fatal(err)
	}
	bigAddress := &common.Address{Recipient: "Ada", Street: strings.Repeat("S", 512<<10), City: "London", Country: "GB"}
	for name, c := range map[string]*clients.Clients{"kitex": s.clients, "grpc": grpcClients} {
		for _, size := range []int{5 << 10, 64 << 10, 1 << 20} {
			_, err := c.Product.GetProduct(as(strings.Repeat("A", size)), &product.GetProductRequest{Id: pid})
			wantKind(t, fmt.Sprintf("%s: a %d KiB token", name, size>>10), err, apperr.InvalidArgument)
		}
		_, err = c.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "big", Address: bigAddress})
		wantKind(t, name+": a 512 KiB street", err, apperr.InvalidArgument)
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("%s: the answer is %d bytes long", name, len(err.Error()))
		}
		_, err = c.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "ctl", Address: &common.Address{
			Recipient: "Ada\x1b[2J", Street: "1 Main St", City: "London", Country: "GB"}})
		wantKind(t, name+": a control character", err, apperr.InvalidArgument)
		_, err = c.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "utf", Address: &common.Address{
			Recipient: "Ada \xff", Street: "1 Main St", City: "London", Country: "GB"}})
		wantKind(t, name+": invalid UTF-8", err, apperr.InvalidArgument)
	}
}

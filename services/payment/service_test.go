package payment_test

import (
	"context"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/services/payment"
)

// vault is a CardVault that answers err, or a payment method, and counts
// its calls.
type vault struct {
	err   error
	calls int
}

var visa = gateway.PaymentMethod{ID: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}

func (v *vault) CreatePaymentMethod(context.Context, gateway.Card) (gateway.PaymentMethod, error) {
	v.calls++
	return visa, v.err
}

func (v *vault) GetPaymentMethod(context.Context, string) (gateway.PaymentMethod, error) {
	v.calls++
	return visa, v.err
}

// orders is an Orders that counts its calls; every order is user 7's.
type orders struct{ calls int }

func (o *orders) Order(_ context.Context, id string) (payment.OrderInfo, error) {
	o.calls++
	return payment.OrderInfo{ID: id, UserID: 7, Status: commerce.OrderPendingPayment}, nil
}

func TestTokenizeAndLookup(t *testing.T) {
	ctx := context.Background()
	card := gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}
	want := commerce.Card{Token: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
	tests := []struct {
		name       string
		gatewayErr error
		tokenize   apperr.Kind // of Tokenize's error; -1 for none
		lookup     apperr.Kind
		msg        string // in both errors
	}{
		{"accepted", nil, -1, -1, ""},
		{"card refused", &gateway.Error{HTTPStatus: 400, Code: gateway.CodeExpiredCard, Message: "the card has expired"},
			apperr.InvalidArgument, apperr.InvalidArgument, "card refused: the card has expired (expired_card)"},
		{"gateway down", &gateway.Error{Code: gateway.CodeNetworkError, Message: "connection refused"},
			apperr.Unavailable, apperr.Unavailable, "the payment gateway is unavailable; retry later"},
		{"unknown token", &gateway.Error{HTTPStatus: 404, Code: gateway.CodeNotFound, Message: "no such payment method"},
			apperr.NotFound, apperr.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := payment.NewService(nil, nil, &vault{err: tt.gatewayErr}, &orders{})
			for _, call := range []struct {
				name string
				do   func() (commerce.Card, error)
				kind apperr.Kind
			}{
				{"Tokenize", func() (commerce.Card, error) { return svc.Tokenize(ctx, card) }, tt.tokenize},
				{"Lookup", func() (commerce.Card, error) { return svc.Lookup(ctx, "pm_1") }, tt.lookup},
			} {
				got, err := call.do()
				if call.kind < 0 {
					if err != nil || got != want {
						t.Errorf("%s = %+v, %v; want %+v", call.name, got, err, want)
					}
					continue
				}
				if apperr.KindOf(err) != call.kind {
					t.Errorf("%s: %v (%s), want %s", call.name, err, apperr.KindOf(err), call.kind)
				}
				if tt.msg != "" && (err == nil || err.Error() != tt.msg) {
					t.Errorf("%s: %q, want %q", call.name, err, tt.msg)
				}
			}
		})
	}

	svc := payment.NewService(nil, nil, &vault{err: &gateway.Error{HTTPStatus: 404, Code: gateway.CodeNotFound}}, &orders{})
	if _, err := svc.Lookup(ctx, "pm_gone"); err == nil || err.Error() != "no payment method pm_gone; tokenize the card again" {
		t.Errorf("Lookup of an unknown token: %v", err)
	}
}

func TestChargeNeedsACardOrAToken(t *testing.T) {
	v, o := &vault{}, &orders{}
	svc := payment.NewService(nil, nil, v, o)
	ctx := authn.WithPrincipal(context.Background(), authn.Principal{UserID: 7, Roles: []string{"customer"}})
	_, err := svc.Charge(ctx, "o1", payment.PaymentInput{}, "key-1")
	if apperr.KindOf(err) != apperr.InvalidArgument || err.Error() != "payment_method needs a card or a token" {
		t.Fatalf("Charge without card or token: %v", err)
	}
	if v.calls != 0 || o.calls != 0 {
		t.Errorf("Charge without card or token called the gateway %d and the order service %d times", v.calls, o.calls)
	}
}

func TestChargeChecksTheOrderBeforeTheCard(t *testing.T) {
	v, o := &vault{}, &orders{}
	svc := payment.NewService(nil, nil, v, o)
	ctx := authn.WithPrincipal(context.Background(), authn.Principal{UserID: 8, Roles: []string{"customer"}})
	_, err := svc.Charge(ctx, "o1", payment.PaymentInput{Token: "pm_1"}, "key-1")
	if apperr.KindOf(err) != apperr.NotFound {
		t.Fatalf("Charge of another user's order: %v, want NotFound", err)
	}
	if v.calls != 0 {
		t.Errorf("the gateway was called %d times for another user's order", v.calls)
	}
}

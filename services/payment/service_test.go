package payment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
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

// orders is an Orders that counts its calls; every order is user 7's.
type orders struct{ calls int }

func (o *orders) Order(_ context.Context, id string) (payment.OrderInfo, error) {
	o.calls++
	return payment.OrderInfo{ID: id, UserID: 7, Status: commerce.OrderPendingPayment}, nil
}

func TestTokenize(t *testing.T) {
	ctx := context.Background()
	card := gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}
	want := commerce.Card{Token: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
	tests := []struct {
		name       string
		gatewayErr error
		kind       apperr.Kind // of Tokenize's error; -1 for none
		msg        string
	}{
		{"accepted", nil, -1, ""},
		{"card refused", &gateway.Error{HTTPStatus: 400, Code: gateway.CodeExpiredCard, Message: "the card has expired"},
			apperr.InvalidArgument, "card refused: the card has expired (expired_card)"},
		{"gateway down", &gateway.Error{Code: gateway.CodeNetworkError, Message: "connection refused"},
			apperr.Unavailable, "the payment gateway is unavailable; retry later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := payment.NewService(payment.NewStore(dbtest.Open(t, "payment", payment.Migrations)), nil, &vault{err: tt.gatewayErr}, &orders{}, time.Second)
			got, err := svc.Tokenize(ctx, 7, card)
			if tt.kind < 0 {
				if err != nil || got != want {
					t.Errorf("Tokenize = %+v, %v; want %+v", got, err, want)
				}
				return
			}
			if apperr.KindOf(err) != tt.kind || err.Error() != tt.msg {
				t.Errorf("Tokenize: %q (%s), want %q (%s)", err, apperr.KindOf(err), tt.msg, tt.kind)
			}
		})
	}
}

// TestPaymentMethodsBelongToTheirOwner checks that a token is seen only by
// the account that created it, and that no answer names the token.
func TestPaymentMethodsBelongToTheirOwner(t *testing.T) {
	ctx := context.Background()
	store := payment.NewStore(dbtest.Open(t, "payment", payment.Migrations))
	svc := payment.NewService(store, nil, &vault{}, &orders{}, time.Second)
	card := gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}
	if _, err := svc.Tokenize(ctx, 7, card); err != nil {
		t.Fatal(err)
	}
	if c, err := svc.Lookup(ctx, 7, "pm_1"); err != nil || c.Last4 != "4242" {
		t.Errorf("the owner's lookup: %+v %v", c, err)
	}
	for _, tt := range []struct {
		name  string
		owner int64
		token string
	}{{"another account", 8, "pm_1"}, {"an unknown token", 7, "pm_unknown"}} {
		_, err := svc.Lookup(ctx, tt.owner, tt.token)
		if !errors.Is(err, payment.ErrNoPaymentMethod) || strings.Contains(err.Error(), tt.token) {
			t.Errorf("%s: %v, want ErrNoPaymentMethod naming no token", tt.name, err)
		}
	}
	// The gateway never gives one token to two accounts; if it did, the
	// second account would not get the first one's card.
	if _, err := svc.Tokenize(ctx, 8, card); apperr.KindOf(err) != apperr.Internal {
		t.Errorf("a token given out twice: %v, want Internal", err)
	}
	if _, err := svc.Lookup(ctx, 8, "pm_1"); !errors.Is(err, payment.ErrNoPaymentMethod) {
		t.Errorf("after a token given out twice, the second account sees it: %v", err)
	}
}

func TestChargeNeedsACardOrAToken(t *testing.T) {
	v, o := &vault{}, &orders{}
	svc := payment.NewService(nil, nil, v, o, time.Second)
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
	svc := payment.NewService(nil, nil, v, o, time.Second)
	ctx := authn.WithPrincipal(context.Background(), authn.Principal{UserID: 8, Roles: []string{"customer"}})
	_, err := svc.Charge(ctx, "o1", payment.PaymentInput{Token: "pm_1"}, "key-1")
	if apperr.KindOf(err) != apperr.NotFound {
		t.Fatalf("Charge of another user's order: %v, want NotFound", err)
	}
	if v.calls != 0 {
		t.Errorf("the gateway was called %d times for another user's order", v.calls)
	}
}

package gateway_test

import (
	"testing"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
)

func TestPaymentMethodCard(t *testing.T) {
	pm := gateway.PaymentMethod{ID: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
	want := commerce.Card{Token: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
	if got := pm.Card(); got != want {
		t.Errorf("Card() = %+v, want %+v", got, want)
	}
}

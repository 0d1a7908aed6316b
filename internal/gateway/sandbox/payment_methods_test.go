package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

func TestCreatePaymentMethodValidation(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	now := time.Now()
	lastMonth := now.AddDate(0, -1, 0)
	tests := []struct {
		name     string
		card     gateway.Card
		wantCode string // "" means accepted
		want     gateway.PaymentMethod
	}{
		{"visa", card("4242424242424242"), "",
			gateway.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: now.Year() + 2}},
		{"mastercard with spaces", card("5555 5555 5555 4444"), "",
			gateway.PaymentMethod{Brand: "mastercard", Last4: "4444", ExpMonth: 12, ExpYear: now.Year() + 2}},
		{"mastercard 2-series", card("2223003122003222"), "",
			gateway.PaymentMethod{Brand: "mastercard", Last4: "3222", ExpMonth: 12, ExpYear: now.Year() + 2}},
		{"amex with 4 digit cvc", gateway.Card{Number: "378282246310005", ExpMonth: 1, ExpYear: now.Year() + 1, CVC: "1234"}, "",
			gateway.PaymentMethod{Brand: "amex", Last4: "0005", ExpMonth: 1, ExpYear: now.Year() + 1}},
		{"unionpay", card("6200000000000005"), "",
			gateway.PaymentMethod{Brand: "unionpay", Last4: "0005", ExpMonth: 12, ExpYear: now.Year() + 2}},
		{"two digit year", gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: now.Year()%100 + 1, CVC: "123"}, "",
			gateway.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: now.Year() + 1}},
		{"expires this month", gateway.Card{Number: "4242424242424242", ExpMonth: int(now.Month()), ExpYear: now.Year(), CVC: "123"}, "",
			gateway.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: int(now.Month()), ExpYear: now.Year()}},

		{"bad checksum", card("4242424242424241"), gateway.CodeInvalidNumber, gateway.PaymentMethod{}},
		{"unknown brand", card("9999999999999995"), gateway.CodeInvalidNumber, gateway.PaymentMethod{}},
		{"wrong length for brand", card("424242424242424"), gateway.CodeInvalidNumber, gateway.PaymentMethod{}},
		{"letters", card("4242abcd42424242"), gateway.CodeInvalidNumber, gateway.PaymentMethod{}},
		{"empty number", card(""), gateway.CodeInvalidNumber, gateway.PaymentMethod{}},
		{"month 13", gateway.Card{Number: "4242424242424242", ExpMonth: 13, ExpYear: now.Year() + 1, CVC: "123"}, gateway.CodeInvalidExpiryMonth, gateway.PaymentMethod{}},
		{"month 0", gateway.Card{Number: "4242424242424242", ExpMonth: 0, ExpYear: now.Year() + 1, CVC: "123"}, gateway.CodeInvalidExpiryMonth, gateway.PaymentMethod{}},
		{"expired last month", gateway.Card{Number: "4242424242424242", ExpMonth: int(lastMonth.Month()), ExpYear: lastMonth.Year(), CVC: "123"}, gateway.CodeExpiredCard, gateway.PaymentMethod{}},
		{"year far away", gateway.Card{Number: "4242424242424242", ExpMonth: 1, ExpYear: now.Year() + 80, CVC: "123"}, gateway.CodeInvalidExpiryYear, gateway.PaymentMethod{}},
		{"cvc too short", gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: now.Year() + 1, CVC: "12"}, gateway.CodeInvalidCVC, gateway.PaymentMethod{}},
		{"cvc too long", gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: now.Year() + 1, CVC: "12345"}, gateway.CodeInvalidCVC, gateway.PaymentMethod{}},
		{"cvc letters", gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: now.Year() + 1, CVC: "12a"}, gateway.CodeInvalidCVC, gateway.PaymentMethod{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pm, err := env.client.CreatePaymentMethod(context.Background(), tt.card)
			if tt.wantCode != "" {
				wantCode(t, err, http.StatusBadRequest, tt.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("CreatePaymentMethod: %v", err)
			}
			if !strings.HasPrefix(pm.ID, "pm_") {
				t.Errorf("id = %q, want a pm_ id", pm.ID)
			}
			tt.want.ID = pm.ID
			if pm != tt.want {
				t.Errorf("payment method (-want +got):\n- %+v\n+ %+v", tt.want, pm)
			}
		})
	}
}

// TestPaymentMethodNeverEchoesTheCard checks the raw answers, success and
// error, for the card number and CVC.
func TestPaymentMethodNeverEchoesTheCard(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	bodies := []string{
		`{"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"987"}`,
		`{"number":"4242424242424241","exp_month":12,"exp_year":2099,"cvc":"987"}`,
		`{"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"98x"}`,
		`{"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"987","extra":"x"}`,
	}
	for _, b := range bodies {
		req, _ := http.NewRequest(http.MethodPost, env.url+"/v1/payment_methods", strings.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+testAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, secret := range []string{"424242424242424", "987", "98x"} {
			if bytes.Contains(got, []byte(secret)) {
				t.Errorf("answer %d %s quotes %q", resp.StatusCode, got, secret)
			}
		}
	}
}

func TestAPIKeyRequired(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	for _, key := range []string{"", "sk_test_wrong"} {
		c := gateway.NewHTTPClient(env.url, key, nil)
		_, err := c.CreatePaymentMethod(ctx, card("4242424242424242"))
		wantCode(t, err, http.StatusUnauthorized, gateway.CodeUnauthorized)
		_, err = c.GetCharge(ctx, "ch_x")
		wantCode(t, err, http.StatusUnauthorized, gateway.CodeUnauthorized)
	}
	resp, err := http.Get(env.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200 without a key", resp.StatusCode)
	}
	_, err = env.client.GetCharge(ctx, "ch_unknown")
	wantCode(t, err, http.StatusNotFound, gateway.CodeNotFound)
}

func TestGetPaymentMethod(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	pm, err := env.client.CreatePaymentMethod(ctx, gateway.Card{Number: "5555555555554444", ExpMonth: 3, ExpYear: time.Now().Year() + 2, CVC: "321"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := env.client.GetPaymentMethod(ctx, pm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != pm || got.Brand != "mastercard" || got.Last4 != "4444" {
		t.Errorf("GetPaymentMethod = %+v, want %+v", got, pm)
	}
	_, err = env.client.GetPaymentMethod(ctx, "pm_missing")
	var ge *gateway.Error
	if !errors.As(err, &ge) || ge.HTTPStatus != http.StatusNotFound || gateway.Retryable(err) {
		t.Errorf("unknown payment method: %v", err)
	}
}

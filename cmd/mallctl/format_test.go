package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
)

func TestPrintJSON(t *testing.T) {
	o := &order.Order{
		Id: "ord_1", Status: order.OrderStatus_ORDER_STATUS_PAID,
		Total:         &common.Money{Amount: 2250, Currency: "USD"},
		PaymentStatus: payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED,
		Items:         []*order.OrderItem{{ProductId: 3, Quantity: 2}},
		CreatedAt:     timestamppb.New(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)),
	}
	var buf bytes.Buffer
	if err := printJSON(&buf, o); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, buf.String())
	}
	want := map[string]any{
		"id": "ord_1", "status": "ORDER_STATUS_PAID", "payment_status": "PAYMENT_STATUS_SUCCEEDED",
		"total":      map[string]any{"amount": 2250.0, "currency": "USD", "display": "22.50 USD"},
		"items":      []any{map[string]any{"product_id": 3.0, "quantity": 2.0}},
		"created_at": "2026-05-01T12:00:00Z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON of an order (-want +got):\n%s", diff)
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{fmtMoney(&common.Money{Amount: 2500, Currency: "USD"}), "25.00 USD"},
		{fmtMoney(&common.Money{Amount: 1200, Currency: "JPY"}), "1200 JPY"},
		{fmtMoney(nil), "-"},
		{orderStatusName(order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT), "PENDING_PAYMENT"},
		{paymentStatusName(payment.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED), "-"},
		{fmtCard(&payment.PaymentMethod{Brand: "visa", Last4: "4242"}), "visa ending 4242"},
		{fmtAddress(&common.Address{Recipient: "Ada", Street: "1 Main St", City: "Boston", State: "MA", ZipCode: "02110", Country: "US"}),
			"Ada, 1 Main St, Boston, MA 02110, US"},
		{fmtRelative(time.Unix(100, 0), time.Unix(58, 0)), "in 42s"},
		{fmtRelative(time.Unix(0, 0), time.Unix(180, 0)), "3m0s ago"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

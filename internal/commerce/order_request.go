package commerce

import (
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/text"
)

// OrderRequest is an order to place: what a checkout sends, what the order
// service takes, and what an order's workflow starts from.
type OrderRequest struct {
	// OrderID is chosen by the caller, which makes placing idempotent.
	OrderID    string
	UserID     int64
	Items      []Item
	Address    Address
	Currency   string
	CouponCode string
	// Card, when set, is charged as soon as the order exists.
	Card       *Card
	CheckoutID string
	// ExpectedTotal, when set, must equal the priced total.
	ExpectedTotal *money.Money
}

// MaxLines bounds the distinct products of one order.
const MaxLines = 100

// Validate checks an order request before anything is done for it; the
// order service and the order workflow use it alike.
func (in OrderRequest) Validate() error {
	if err := CheckKey("order_id", in.OrderID); err != nil {
		return err
	}
	switch {
	case in.UserID <= 0:
		return apperr.InvalidArgf("user_id is required")
	case len(in.Items) == 0:
		return apperr.InvalidArgf("an order needs at least one item")
	case len(in.Items) > MaxLines:
		return apperr.InvalidArgf("an order has at most %d lines", MaxLines)
	case in.Currency != "" && !money.ValidCurrency(in.Currency):
		return apperr.InvalidArgf("currency %s is not a supported ISO-4217 code", text.Quote(in.Currency))
	}
	for _, it := range in.Items {
		if it.ProductID <= 0 || it.Quantity <= 0 {
			return apperr.InvalidArgf("every item needs a positive product_id and quantity")
		}
	}
	return in.Address.Validate()
}

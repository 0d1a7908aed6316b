package commerce

import "github.com/tempomall/tempomall/internal/money"

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

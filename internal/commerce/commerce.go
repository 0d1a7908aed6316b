// Package commerce is tempomall's shared vocabulary: the snapshots of
// orders, payments, refunds and checkouts that workflows own, activities
// persist and services read, with their states. It holds data and the rules
// that are pure functions of it; no I/O.
package commerce

import (
	"cmp"
	"slices"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
)

// Address is a delivery address.
type Address struct {
	Recipient string `json:"recipient"`
	Phone     string `json:"phone"`
	Street    string `json:"street"`
	City      string `json:"city"`
	State     string `json:"state"`
	Country   string `json:"country"`
	ZipCode   string `json:"zip_code"`
}

// Item is a quantity of a product.
type Item struct {
	ProductID int64 `json:"product_id"`
	Quantity  int64 `json:"quantity"`
}

// Product is what checkout, pricing and carts need to know of a catalog
// product.
type Product struct {
	ID         int64
	Name       string
	PictureURL string
	Price      money.Money
	// Active is false for a product that is listed but not for sale.
	Active bool
	// Available is the stock on hand and free to reserve.
	Available int64
}

// Line is a priced item: the product as it was when priced.
type Line struct {
	ProductID  int64  `json:"product_id"`
	Name       string `json:"name"`
	PictureURL string `json:"picture_url"`
	Quantity   int64  `json:"quantity"`
	// CatalogUnitPrice is in the catalog currency; UnitPrice and LineTotal
	// in the order currency.
	CatalogUnitPrice money.Money `json:"catalog_unit_price"`
	UnitPrice        money.Money `json:"unit_price"`
	LineTotal        money.Money `json:"line_total"`
}

// Quote is a priced set of items in one currency.
type Quote struct {
	Lines    []Line      `json:"lines"`
	Subtotal money.Money `json:"subtotal"`
	Discount money.Money `json:"discount"`
	// Payable is Subtotal minus Discount.
	Payable         money.Money `json:"payable"`
	CatalogCurrency string      `json:"catalog_currency"`
	// ExchangeRate is order-currency units per catalog-currency unit.
	ExchangeRate string `json:"exchange_rate"`
	CouponCode   string `json:"coupon_code,omitempty"`
}

// Items returns the quote's items.
func (q Quote) Items() []Item {
	items := make([]Item, len(q.Lines))
	for i, l := range q.Lines {
		items[i] = Item{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	return items
}

// SameItems reports whether two item lists hold the same units of the same
// products, in any order. (It ranges over no map: workflows call it.)
func SameItems(a, b []Item) bool {
	return slices.Equal(unitsByProduct(a), unitsByProduct(b))
}

// unitsByProduct merges items by product, sorted by product id.
func unitsByProduct(items []Item) []Item {
	out := slices.Clone(items)
	slices.SortFunc(out, func(x, y Item) int { return cmp.Compare(x.ProductID, y.ProductID) })
	merged := out[:0]
	for _, it := range out {
		if n := len(merged); n > 0 && merged[n-1].ProductID == it.ProductID {
			merged[n-1].Quantity += it.Quantity
			continue
		}
		merged = append(merged, it)
	}
	return merged
}

// Card is a tokenized card: what tempomall keeps of a card.
type Card struct {
	Token    string `json:"token"`
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// OrderStatus is the state of an order.
type OrderStatus string

// Order states.
const (
	OrderPendingPayment    OrderStatus = "PENDING_PAYMENT"
	OrderPaid              OrderStatus = "PAID"
	OrderCancelled         OrderStatus = "CANCELLED"
	OrderExpired           OrderStatus = "EXPIRED"
	OrderRefunded          OrderStatus = "REFUNDED"
	OrderPartiallyRefunded OrderStatus = "PARTIALLY_REFUNDED"
)

// Final reports whether no transition leaves the state.
func (s OrderStatus) Final() bool {
	return s == OrderCancelled || s == OrderExpired || s == OrderRefunded
}

// Order is an order's snapshot: the order workflow's state, the row of the
// orders table and the answer of the workflow's status query.
type Order struct {
	ID              string        `json:"id"`
	UserID          int64         `json:"user_id"`
	Status          OrderStatus   `json:"status"`
	Quote           Quote         `json:"quote"`
	Refunded        money.Money   `json:"refunded"`
	Address         Address       `json:"address"`
	CheckoutID      string        `json:"checkout_id,omitempty"`
	PaymentID       string        `json:"payment_id,omitempty"`
	PaymentStatus   PaymentStatus `json:"payment_status,omitempty"`
	PaymentAttempts int           `json:"payment_attempts"`
	// StatusReason says why an order was cancelled or expired.
	StatusReason string    `json:"status_reason,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	ExpiresAt    time.Time `json:"expires_at"`
	PaidAt       time.Time `json:"paid_at,omitempty"`
	// Version increases with every transition; stores keep the highest.
	Version int64 `json:"version"`
}

// PaymentStatus is the state of a payment.
type PaymentStatus string

// Payment states.
const (
	PaymentPending           PaymentStatus = "PENDING"
	PaymentProcessing        PaymentStatus = "PROCESSING"
	PaymentSucceeded         PaymentStatus = "SUCCEEDED"
	PaymentFailed            PaymentStatus = "FAILED"
	PaymentCancelled         PaymentStatus = "CANCELLED"
	PaymentRefunded          PaymentStatus = "REFUNDED"
	PaymentPartiallyRefunded PaymentStatus = "PARTIALLY_REFUNDED"
)

// Settled reports whether the payment's charge has an outcome.
func (s PaymentStatus) Settled() bool {
	return s != "" && s != PaymentPending && s != PaymentProcessing
}

// Payment is a payment's snapshot.
type Payment struct {
	ID             string        `json:"id"`
	OrderID        string        `json:"order_id"`
	UserID         int64         `json:"user_id"`
	Attempt        int           `json:"attempt"`
	Amount         money.Money   `json:"amount"`
	Status         PaymentStatus `json:"status"`
	Card           Card          `json:"card"`
	ChargeID       string        `json:"charge_id,omitempty"`
	FailureCode    string        `json:"failure_code,omitempty"`
	FailureMessage string        `json:"failure_message,omitempty"`
	Refunded       money.Money   `json:"refunded"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	Version        int64         `json:"version"`
}

// RefundStatus is the state of a refund.
type RefundStatus string

// Refund states.
const (
	RefundPending   RefundStatus = "PENDING"
	RefundSucceeded RefundStatus = "SUCCEEDED"
	RefundFailed    RefundStatus = "FAILED"
)

// Refund is a refund's snapshot.
type Refund struct {
	ID             string       `json:"id"`
	OrderID        string       `json:"order_id"`
	PaymentID      string       `json:"payment_id"`
	ChargeID       string       `json:"charge_id"`
	Amount         money.Money  `json:"amount"`
	Status         RefundStatus `json:"status"`
	Reason         string       `json:"reason,omitempty"`
	GatewayID      string       `json:"gateway_id,omitempty"`
	FailureMessage string       `json:"failure_message,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	Version        int64        `json:"version"`
}

// CheckoutStatus is the state of a checkout.
type CheckoutStatus string

// Checkout states.
const (
	CheckoutOpen    CheckoutStatus = "OPEN"
	CheckoutPlaced  CheckoutStatus = "PLACED"
	CheckoutFailed  CheckoutStatus = "FAILED"
	CheckoutExpired CheckoutStatus = "EXPIRED"
	CheckoutDeleted CheckoutStatus = "DELETED"
)

// Checkout is a checkout's snapshot.
type Checkout struct {
	ID             string         `json:"id"`
	UserID         int64          `json:"user_id"`
	IdempotencyKey string         `json:"idempotency_key"`
	Status         CheckoutStatus `json:"status"`
	Quote          Quote          `json:"quote"`
	Address        Address        `json:"address"`
	Currency       string         `json:"currency"`
	Card           *Card          `json:"card,omitempty"`
	OrderID        string         `json:"order_id,omitempty"`
	FailureReason  string         `json:"failure_reason,omitempty"`
	// FailureKind is the kind of the refusal that failed the checkout.
	FailureKind apperr.Kind `json:"failure_kind,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	ExpiresAt   time.Time   `json:"expires_at"`
	Version     int64       `json:"version"`
}

// Refusal is what a failed checkout answers every request with its key:
// the first refusal, its kind and reason (FailedPrecondition for a
// checkout recorded without its kind).
func (c Checkout) Refusal() error {
	kind := c.FailureKind
	if kind == apperr.Internal {
		kind = apperr.FailedPrecondition
	}
	return apperr.New(kind, c.FailureReason)
}

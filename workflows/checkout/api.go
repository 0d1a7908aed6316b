// Package checkout holds the checkout workflow: one per customer and
// idempotency key. It reads the cart, prices it into an open checkout,
// and places the order through the order service, answering the caller as
// soon as the order exists; payment goes on in the order workflow. A draft
// checkout stays open (its address, coupon and currency may change) until
// it is placed, deleted or expires.
package checkout

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/workflows/order"
)

// TaskQueue is where checkout workflows run (with the order workflows).
const TaskQueue = order.TaskQueue

// WorkflowID is the id of a customer's checkout for an idempotency key.
func WorkflowID(userID int64, key string) string { return fmt.Sprintf("checkout/%d/%s", userID, key) }

// ID is the checkout id of a customer and key: stable, so a retried
// request finds the same checkout.
func ID(userID int64, key string) string { return "co_" + digest(WorkflowID(userID, key)) }

// OrderID is the id of the order a checkout places.
func OrderID(checkoutID string) string {
	return "ord_" + strings.TrimPrefix(checkoutID, "co_")
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// The query and updates of the checkout workflow.
const (
	QueryStatus = "status"
	// UpdateQuote answers with the open checkout once it is priced.
	UpdateQuote = "quote"
	// UpdatePlace places the order and answers once it exists.
	UpdatePlace = "place"
	// UpdateModify changes an open checkout and prices it again.
	UpdateModify = "modify"
	// UpdateDelete abandons an open checkout.
	UpdateDelete = "delete"
)

// Input starts a checkout.
type Input struct {
	CheckoutID     string
	UserID         int64
	IdempotencyKey string
	Address        commerce.Address
	Currency       string
	CouponCode     string
	Card           *commerce.Card
	// TTL is how long the checkout stays open, waiting for UpdatePlace.
	TTL time.Duration
}

// Changes modify an open checkout; nil fields stay.
type Changes struct {
	Address    *commerce.Address
	Currency   *string
	CouponCode *string
}

// differ reports whether the changes would change c.
func (ch Changes) differ(c commerce.Checkout) bool {
	return ch.Address != nil && *ch.Address != c.Address ||
		ch.Currency != nil && *ch.Currency != c.Currency ||
		ch.CouponCode != nil && *ch.CouponCode != c.Quote.CouponCode
}

// PlaceRequest places an open checkout. Its changes are those of the
// request that places it (a draft placed later may gain its address then).
type PlaceRequest struct {
	Changes Changes
	Card    *commerce.Card
	// ExpectedPayable, when set, must equal the payable amount.
	ExpectedPayable *money.Money
}

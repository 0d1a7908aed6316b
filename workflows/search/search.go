// Package search declares the search attributes tempomall's workflows
// keep, so that operators can find orders and payments in the Temporal Web
// UI and with `temporal workflow list --query`.
//
// Examples:
//
//	temporal workflow list --query "OrderStatus='PENDING_PAYMENT' AND CustomerId=42"
//	temporal workflow list --query "PaymentStatus='PROCESSING'"
package search

import (
	"sort"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// The search attributes.
var (
	// OrderStatus is the order's state (PENDING_PAYMENT, PAID, ...).
	OrderStatus = temporal.NewSearchAttributeKeyKeyword("OrderStatus")
	// CustomerId is the account that placed the order or checkout.
	CustomerId = temporal.NewSearchAttributeKeyInt64("CustomerId")
	// OrderTotal is the payable amount in minor units of OrderCurrency.
	OrderTotal = temporal.NewSearchAttributeKeyInt64("OrderTotal")
	// OrderCurrency is the order's ISO-4217 currency.
	OrderCurrency = temporal.NewSearchAttributeKeyKeyword("OrderCurrency")
	// OrderId is the order a payment, refund or checkout belongs to.
	OrderId = temporal.NewSearchAttributeKeyKeyword("OrderId")
	// PaymentStatus is the state of the order's latest payment.
	PaymentStatus = temporal.NewSearchAttributeKeyKeyword("PaymentStatus")
	// CheckoutStatus is a checkout's state (OPEN, PLACED, ...).
	CheckoutStatus = temporal.NewSearchAttributeKeyKeyword("CheckoutStatus")
)

// Registrations lists every attribute with its type, as the dev server's
// --search-attribute flags and `temporal operator search-attribute create`
// take them.
var Registrations = map[string]enums.IndexedValueType{
	OrderStatus.GetName():    enums.INDEXED_VALUE_TYPE_KEYWORD,
	CustomerId.GetName():     enums.INDEXED_VALUE_TYPE_INT,
	OrderTotal.GetName():     enums.INDEXED_VALUE_TYPE_INT,
	OrderCurrency.GetName():  enums.INDEXED_VALUE_TYPE_KEYWORD,
	OrderId.GetName():        enums.INDEXED_VALUE_TYPE_KEYWORD,
	PaymentStatus.GetName():  enums.INDEXED_VALUE_TYPE_KEYWORD,
	CheckoutStatus.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
}

// DevServerFlags are the `temporal server start-dev` flags that register
// every attribute (--search-attribute NAME=TYPE), in name order.
func DevServerFlags() []string {
	names := make([]string, 0, len(Registrations))
	for name := range Registrations {
		names = append(names, name)
	}
	sort.Strings(names)
	flags := make([]string, 0, 2*len(names))
	for _, name := range names {
		flags = append(flags, "--search-attribute", name+"="+CLIType(Registrations[name]))
	}
	return flags
}

// CLIType is the type name of an attribute as the Temporal CLI's
// --search-attribute flag takes it ("Keyword", "Int", ...).
func CLIType(t enums.IndexedValueType) string {
	switch t {
	case enums.INDEXED_VALUE_TYPE_KEYWORD:
		return "Keyword"
	case enums.INDEXED_VALUE_TYPE_INT:
		return "Int"
	case enums.INDEXED_VALUE_TYPE_TEXT:
		return "Text"
	case enums.INDEXED_VALUE_TYPE_BOOL:
		return "Bool"
	case enums.INDEXED_VALUE_TYPE_DOUBLE:
		return "Double"
	case enums.INDEXED_VALUE_TYPE_DATETIME:
		return "Datetime"
	}
	return "Keyword"
}

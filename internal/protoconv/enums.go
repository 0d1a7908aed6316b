package protoconv

import (
	"fmt"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/commerce"
)

// The contract's enum values are the domain's state names with a prefix:
// commerce.OrderPaid "PAID" is order.OrderStatus_ORDER_STATUS_PAID.
const (
	orderStatusPrefix    = "ORDER_STATUS_"
	paymentStatusPrefix  = "PAYMENT_STATUS_"
	refundStatusPrefix   = "REFUND_STATUS_"
	checkoutStatusPrefix = "CHECKOUT_STATUS_"
)

// enumValue returns the value of prefix+name in an enum's value table; 0
// (UNSPECIFIED) for a name the contract does not know.
func enumValue[E ~int32](values map[string]int32, prefix, name string) E {
	return E(values[prefix+name])
}

// enumName returns the domain name of an enum value: its name without the
// prefix; "" for UNSPECIFIED and for a value the contract does not know.
func enumName(v fmt.Stringer, prefix string) string {
	name, ok := strings.CutPrefix(v.String(), prefix)
	if !ok || name == "UNSPECIFIED" {
		return ""
	}
	return name
}

// OrderStatus converts an order state to the contract.
func OrderStatus(s commerce.OrderStatus) order.OrderStatus {
	return enumValue[order.OrderStatus](order.OrderStatus_value, orderStatusPrefix, string(s))
}

// FromOrderStatus converts an order state from the contract.
func FromOrderStatus(s order.OrderStatus) commerce.OrderStatus {
	return commerce.OrderStatus(enumName(s, orderStatusPrefix))
}

// PaymentStatus converts a payment state to the contract.
func PaymentStatus(s commerce.PaymentStatus) payment.PaymentStatus {
	return enumValue[payment.PaymentStatus](payment.PaymentStatus_value, paymentStatusPrefix, string(s))
}

// FromPaymentStatus converts a payment state from the contract.
func FromPaymentStatus(s payment.PaymentStatus) commerce.PaymentStatus {
	return commerce.PaymentStatus(enumName(s, paymentStatusPrefix))
}

// RefundStatus converts a refund state to the contract.
func RefundStatus(s commerce.RefundStatus) payment.RefundStatus {
	return enumValue[payment.RefundStatus](payment.RefundStatus_value, refundStatusPrefix, string(s))
}

// CheckoutStatus converts a checkout state to the contract.
func CheckoutStatus(s commerce.CheckoutStatus) checkout.CheckoutStatus {
	return enumValue[checkout.CheckoutStatus](checkout.CheckoutStatus_value, checkoutStatusPrefix, string(s))
}

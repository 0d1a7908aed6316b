// Package protoconv converts between the contract's common messages and
// tempomall's domain types, for every service's transport layer.
package protoconv

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
)

// Money converts to the contract.
func Money(m money.Money) *common.Money {
	if m.Currency == "" {
		return nil
	}
	return &common.Money{Amount: m.Amount, Currency: m.Currency}
}

// FromMoney converts from the contract; nil is the zero Money.
func FromMoney(m *common.Money) money.Money {
	return money.New(m.GetAmount(), money.NormalizeCurrency(m.GetCurrency()))
}

// Address converts to the contract.
func Address(a commerce.Address) *common.Address {
	return &common.Address{
		Recipient: a.Recipient, Phone: a.Phone, Street: a.Street, City: a.City,
		State: a.State, Country: a.Country, ZipCode: a.ZipCode,
	}
}

// FromAddress converts from the contract.
func FromAddress(a *common.Address) commerce.Address {
	return commerce.Address{
		Recipient: a.GetRecipient(), Phone: a.GetPhone(), Street: a.GetStreet(), City: a.GetCity(),
		State: a.GetState(), Country: a.GetCountry(), ZipCode: a.GetZipCode(),
	}
}

// Time converts to the contract; the zero time is nil.
func Time(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// Card converts a tokenized card to the contract.
func Card(c *commerce.Card) *payment.PaymentMethod {
	if c == nil {
		return nil
	}
	return &payment.PaymentMethod{
		Token: c.Token, Brand: c.Brand, Last4: c.Last4,
		ExpMonth: int32(c.ExpMonth), ExpYear: int32(c.ExpYear),
	}
}

// Products converts catalog products to the domain, by id.
func Products(ps []*product.Product) map[int64]commerce.Product {
	out := make(map[int64]commerce.Product, len(ps))
	for _, p := range ps {
		out[p.GetId()] = commerce.Product{
			ID: p.GetId(), Name: p.GetName(), PictureURL: p.GetPictureUrl(),
			Price:     FromMoney(p.GetPrice()),
			Active:    p.GetStatus() == product.ProductStatus_PRODUCT_STATUS_ACTIVE,
			Available: p.GetStockAvailable(),
		}
	}
	return out
}

// PaymentStatus converts a payment state to the contract.
func PaymentStatus(s commerce.PaymentStatus) payment.PaymentStatus {
	if v, ok := payment.PaymentStatus_value["PAYMENT_STATUS_"+string(s)]; ok {
		return payment.PaymentStatus(v)
	}
	return payment.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED
}

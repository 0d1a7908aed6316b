// Package protoconv converts between the contract's common messages and
// tempomall's domain types, for every service's transport layer.
package protoconv

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
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

// FromCard converts a tokenized card from the contract.
func FromCard(m *payment.PaymentMethod) commerce.Card {
	return commerce.Card{
		Token: m.GetToken(), Brand: m.GetBrand(), Last4: m.GetLast4(),
		ExpMonth: int(m.GetExpMonth()), ExpYear: int(m.GetExpYear()),
	}
}

// CardInput converts card details to the contract, for tokenizing.
func CardInput(c gateway.Card) *payment.Card {
	return &payment.Card{
		Number: c.Number, ExpMonth: int32(c.ExpMonth), ExpYear: int32(c.ExpYear), Cvv: c.CVC, HolderName: c.HolderName,
	}
}

// FromCardInput converts card details from the contract; spaces in the
// number are dropped.
func FromCardInput(c *payment.Card) gateway.Card {
	return gateway.Card{
		Number: strings.ReplaceAll(c.GetNumber(), " ", ""), ExpMonth: int(c.GetExpMonth()),
		ExpYear: int(c.GetExpYear()), CVC: c.GetCvv(), HolderName: c.GetHolderName(),
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

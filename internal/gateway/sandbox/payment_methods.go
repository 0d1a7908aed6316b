package sandbox

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/gateway"
)

// createPaymentMethod checks a card and keeps its brand, last four digits,
// expiry and test behaviour.
func (l *ledger) createPaymentMethod(ctx context.Context, card gateway.Card) (gateway.PaymentMethod, error) {
	cc, err := checkCard(card, l.now())
	if err != nil {
		return gateway.PaymentMethod{}, err
	}
	row := paymentMethodRow{
		ID:        newID("pm"),
		Brand:     cc.brand,
		Last4:     cc.last4,
		ExpMonth:  cc.expMonth,
		ExpYear:   cc.expYear,
		Behavior:  cc.behavior,
		CreatedAt: l.stamp(),
	}
	if err := l.db.WithContext(ctx).Create(&row).Error; err != nil {
		return gateway.PaymentMethod{}, fmt.Errorf("store payment method: %w", err)
	}
	return row.api(), nil
}

// api returns the payment method as the API shows it.
func (r paymentMethodRow) api() gateway.PaymentMethod {
	return gateway.PaymentMethod{ID: r.ID, Brand: r.Brand, Last4: r.Last4, ExpMonth: r.ExpMonth, ExpYear: r.ExpYear}
}

// getPaymentMethod returns a stored payment method.
func (l *ledger) getPaymentMethod(ctx context.Context, id string) (gateway.PaymentMethod, error) {
	var row paymentMethodRow
	if err := takeRow(l.db.WithContext(ctx), &row, "payment_method", id); err != nil {
		return gateway.PaymentMethod{}, err
	}
	return row.api(), nil
}

// takeRow loads the row of id into dst, answering errNotFound(kind, id)
// when there is none.
func takeRow(tx *gorm.DB, dst any, kind, id string) error {
	err := tx.Where("id = ?", id).Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNotFound(kind, id)
	}
	if err != nil {
		return fmt.Errorf("load %s %s: %w", kind, id, err)
	}
	return nil
}

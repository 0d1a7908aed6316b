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
	return gateway.PaymentMethod{ID: row.ID, Brand: row.Brand, Last4: row.Last4, ExpMonth: row.ExpMonth, ExpYear: row.ExpYear}, nil
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

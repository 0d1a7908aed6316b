package payment

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
)

// ErrNoPaymentMethod is returned for a token that is unknown or belongs to
// another account: the two look the same, so that a token never reveals
// that it exists. It names no token.
var ErrNoPaymentMethod = apperr.New(apperr.NotFound, "no such payment method; tokenize the card again")

// SavePaymentMethod records that a tokenized card belongs to an account.
// Saving it again changes nothing; a token of another account is refused.
func (s *Store) SavePaymentMethod(ctx context.Context, userID int64, c commerce.Card) error {
	row := paymentMethodRow{
		Token: c.Token, UserID: userID, Brand: c.Brand, Last4: c.Last4,
		ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, CreatedAt: time.Now().UTC(),
	}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	if _, err := s.PaymentMethod(ctx, userID, c.Token); err != nil {
		return apperr.Errorf(apperr.Internal, "the gateway gave out a token it had given to another account")
	}
	return nil
}

// PaymentMethod returns an account's tokenized card; ErrNoPaymentMethod
// when the token is unknown or another account's.
func (s *Store) PaymentMethod(ctx context.Context, userID int64, token string) (commerce.Card, error) {
	var row paymentMethodRow
	err := s.db.WithContext(ctx).First(&row, "token = ? AND user_id = ?", token, userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return commerce.Card{}, ErrNoPaymentMethod
	}
	if err != nil {
		return commerce.Card{}, err
	}
	return commerce.Card{Token: row.Token, Brand: row.Brand, Last4: row.Last4, ExpMonth: row.ExpMonth, ExpYear: row.ExpYear}, nil
}

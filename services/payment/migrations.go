package payment

import (
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the payment store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_payment_tables", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&paymentRow{}, &paymentLogRow{}, &refundRow{}, &webhookEventRow{})
	}},
	{ID: "0002_create_payment_methods", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&paymentMethodRow{})
	}},
}

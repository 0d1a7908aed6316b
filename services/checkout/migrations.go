package checkout

import (
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the checkout store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_checkout_tables", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&checkoutRow{}, &couponRow{}, &redemptionRow{})
	}},
}
